// spool_file.h - a private temporary file for message bytes too big to hold in memory.
//
// create() opens a nameless file in a directory (O_TMPFILE; where the file
// system lacks it, mkstemp and an immediate unlink), mode 0600, so no other
// user can read the mail and nothing is left behind when the process dies.
// The file is written once (append) and then read any number of times, by
// offset, so readers never share a file position.
//
// Failure: SpoolError (a ProcessingError, so the message is tempfailed) with
// the directory and the system's reason, e.g. "No space left on device".
#pragma once

#include "core/errors.h"
#include "mime/gmime_handles.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mailveil::mime {

class SpoolError : public ProcessingError {
  public:
    using ProcessingError::ProcessingError;
};

class SpoolFile {
  public:
    static std::shared_ptr<SpoolFile> create(const std::string& directory);

    SpoolFile(const SpoolFile&) = delete;
    SpoolFile& operator=(const SpoolFile&) = delete;
    ~SpoolFile();

    void append(std::string_view data);
    // A stream that writes at the end of the file; call refresh_size() after.
    GObjectPtr<GMimeStream> write_stream();
    void refresh_size();
    const std::string& directory() const { return directory_; }
    std::uint64_t size() const { return size_; }

    // Calls consume with successive chunks (at most chunk bytes) of the file.
    void read_chunks(const std::function<void(std::string_view)>& consume,
                     std::size_t chunk = 64 * 1024) const;
    char byte_at(std::uint64_t offset) const;
    // The whole file as a string (for tests and small files).
    std::string contents() const;
    // A new GMime stream over bytes [start, size()) with its own position.
    GObjectPtr<GMimeStream> stream(std::uint64_t start = 0) const;

  private:
    SpoolFile(int fd, std::string directory) : fd_(fd), directory_(std::move(directory)) {}
    [[noreturn]] void fail(const std::string& what) const;

    int fd_;
    std::string directory_;
    std::uint64_t size_ = 0;
};

} // namespace mailveil::mime
