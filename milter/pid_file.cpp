#include "milter/pid_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mailveil::milter {

PidFile::PidFile(std::string path) : path_(std::move(path)) {}

PidFile::~PidFile() {
    if (!path_.empty()) {
        ::unlink(path_.c_str());
    }
}

void PidFile::write() const {
    if (path_.empty()) {
        return;
    }
    std::ofstream out(path_, std::ios::trunc);
    out << ::getpid() << "\n";
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write pid file " + path_ + ": " + std::strerror(errno));
    }
}

void PidFile::chown_to(uid_t uid, gid_t gid) const {
    if (!path_.empty() && ::chown(path_.c_str(), uid, gid) != 0) {
        throw std::runtime_error("cannot chown pid file " + path_ + ": " + std::strerror(errno));
    }
}

} // namespace mailveil::milter
