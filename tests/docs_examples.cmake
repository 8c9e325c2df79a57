# Every program in docs/examples/ (the code blocks of docs/api.md) is built
# against icm::icm like a host application and run from the source tree; a
# non-zero exit (a figure not the one the doc shows, an unexpected error)
# fails the test. docs_api_test checks the blocks in docs/api.md are
# byte-identical to these files.
file(GLOB ICM_DOC_EXAMPLES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/examples/*.cpp)
foreach(src IN LISTS ICM_DOC_EXAMPLES)
  get_filename_component(name ${src} NAME_WE)
  add_executable(doc_example_${name} ${src})
  target_link_libraries(doc_example_${name} PRIVATE icm::icm icm_warnings)
  add_test(NAME doc_example.${name} COMMAND doc_example_${name}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(doc_example.${name} PROPERTIES TIMEOUT 120)
endforeach()
