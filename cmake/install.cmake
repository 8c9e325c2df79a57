# Install rules and the CMake and pkg-config packages, so that a program can
# embed icm with find_package(icm) or pkg-config (the layout {fmt} uses).
# Included by the top-level CMakeLists.txt when ICM_INSTALL is on.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ICM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/icm CACHE STRING
    "Where icmConfig.cmake is installed, relative to the prefix")
set(ICM_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig CACHE STRING
    "Where icm.pc is installed, relative to the prefix")

# INCLUDES DESTINATION puts <prefix>/include on the exported target's include
# path (the target's own $<INSTALL_INTERFACE:...> is set before GNUInstallDirs
# is loaded, so it cannot carry it).
install(TARGETS icm EXPORT icmTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/icm
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(EXPORT icmTargets
  NAMESPACE icm::
  DESTINATION ${ICM_INSTALL_CMAKEDIR})
# The same targets straight from the build tree (icm_DIR=<build dir>).
export(EXPORT icmTargets
  NAMESPACE icm::
  FILE ${PROJECT_BINARY_DIR}/icmTargets.cmake)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/icmConfig.cmake.in
  ${PROJECT_BINARY_DIR}/icmConfig.cmake
  INSTALL_DESTINATION ${ICM_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/icmConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/icmConfig.cmake
  ${PROJECT_BINARY_DIR}/icmConfigVersion.cmake
  DESTINATION ${ICM_INSTALL_CMAKEDIR})

# icm.pc finds the prefix from its own location (${pcfiledir}), so the
# installed tree can be moved or installed with `cmake --install --prefix`.
if(IS_ABSOLUTE "${ICM_INSTALL_PKGCONFIGDIR}")
  set(ICM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH ICM_PC_UP "/prefix/${ICM_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" ICM_PC_UP "${ICM_PC_UP}")
  set(ICM_PC_PREFIX "\${pcfiledir}/${ICM_PC_UP}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(ICM_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(ICM_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/icm.pc.in ${PROJECT_BINARY_DIR}/icm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/icm.pc DESTINATION ${ICM_INSTALL_PKGCONFIGDIR})
