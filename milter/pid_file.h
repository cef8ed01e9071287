// pid_file.h - the daemon's pid file, removed again when the daemon stops.
//
// Failure: the constructor throws std::runtime_error when the file cannot be
// written; removal at exit is best effort (the directory may no longer be
// writable after dropping privileges, and a stale pid file is harmless).
#pragma once

#include <string>

namespace mailveil::milter {

class PidFile {
  public:
    explicit PidFile(std::string path); // empty path: no pid file
    ~PidFile();
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

    // Writes the current pid (call after detaching, so the pid is the daemon's).
    void write() const;
    // Hands the file to the user the daemon will run as, so it can remove it.
    void chown_to(uid_t uid, gid_t gid) const;

  private:
    std::string path_;
};

} // namespace mailveil::milter
