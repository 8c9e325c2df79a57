// icm/io/csv.hpp - a strict RFC 4180 CSV reader over a memory buffer.
//
// Why strict: input files are the books of a sales organisation; a field the
// reader silently "repairs" becomes a wrong payout. Every departure from
// RFC 4180 (an unbalanced quote, a character after a closing quote, a quote
// inside an unquoted field, a lone carriage return, a wrong number of fields)
// is an error with its 1-based line and byte column.
//
// Why fast: transaction files run to millions of rows. Fields are string_views
// into the caller's buffer; only a field with doubled quotes is unescaped, into
// a scratch buffer the record owns and reuses. Reading a record allocates
// nothing once the record's vectors have grown to the widest row.
//
// The reader sees one contiguous buffer (a file read or mapped whole). Its
// state is only a position, a line number and the start of the current line,
// so a chunked mode for huge files can feed it whole records later without
// changing the tokenizer.
//
//   icm::csv::reader in(text);
//   icm::csv::record rec;
//   if (in.read_header(rec) != icm::csv::status::record) return in.last_error();
//   while (in.next(rec) != icm::csv::status::end) { ... rec[2].text ... }
//
// Accepted: LF or CRLF line ends, an optional UTF-8 byte order mark (not
// counted in columns), a missing final line break. Blank lines are skipped.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <string>       // error messages, unescape scratch
#include <string_view>  // fields
#include <vector>       // fields of a record

namespace icm::csv {

struct options {
  // A field longer than this (in raw bytes) is an error, so that a 1 GiB file
  // with no line break fails at once with a message instead of exhausting memory.
  std::size_t max_field_length = std::size_t{1} << 20;
  // Fields every record must have, for a reader started after the header
  // (a block of a file read in parts); 0: read_header sets it.
  std::uint32_t expected_fields = 0;
  // The buffer starts the file, where a byte order mark may stand. False for
  // a reader started in the middle: those three bytes there are data.
  bool at_file_start = true;
};

struct field {
  std::string_view text;    // unescaped content, without the enclosing quotes
  std::uint32_t line = 0;   // 1-based line where the field starts
  std::uint32_t column = 0; // 1-based byte column of its first byte (its quote, if quoted)
  std::uint32_t length = 0; // raw bytes in the source (for a caret), at least 1
  bool quoted = false;
};

class record {
 public:
  std::uint32_t line() const noexcept { return line_; }
  std::size_t size() const noexcept { return fields_.size(); }
  const field& operator[](std::size_t i) const noexcept { return fields_[i]; }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }

 private:
  friend class reader;
  std::uint32_t line_ = 0;
  std::vector<field> fields_;
  // Fields whose text lives in scratch_ (which may move while the record grows).
  struct unescaped {
    std::uint32_t field, offset, size;
  };
  std::vector<unescaped> unescaped_;
  std::string scratch_;
};

struct error {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t length = 1;
  std::string message;
  bool fatal = false;  // the rest of the buffer cannot be read
};

enum class status {
  record,  // a record was read into the caller's record
  end,     // no more records (or a fatal error was reported earlier)
  error,   // last_error() describes a bad record; next() continues after it
};

class reader {
 public:
  explicit reader(std::string_view buffer, options opts = {}) noexcept;

  // Reads the header row (the first record) and fixes the number of fields
  // every later record must have. A zero-byte buffer (or one holding only a
  // byte order mark or blank lines) is the fatal error "empty file".
  status read_header(record& out);
  // Reads the next record. When a header was read, a record with another
  // number of fields is an error ("expected N fields, found M") and is skipped.
  status next(record& out);

  const error& last_error() const noexcept { return error_; }
  std::uint32_t expected_fields() const noexcept { return expected_; }
  // Bytes consumed so far (for progress and throughput figures).
  std::size_t position() const noexcept { return pos_; }

 private:
  status read_record(record& out);
  status fail(std::uint32_t line, std::uint32_t column, std::uint32_t length, std::string message,
              bool fatal);
  void skip_to_next_line() noexcept;
  std::uint32_t column_at(std::size_t pos) const noexcept {
    return static_cast<std::uint32_t>(pos - line_start_ + 1);
  }

  std::string_view buf_;
  options opts_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;  // buffer offset of the current line's first byte
  std::uint32_t line_ = 1;
  std::uint32_t expected_ = 0;  // 0 until a header is read
  std::uint32_t found_ = 0;     // fields in the last record (some may not be stored)
  std::uint32_t end_line_ = 0, end_column_ = 0;  // where the last record ended
  bool done_ = false;
  error error_;
};

}  // namespace icm::csv
