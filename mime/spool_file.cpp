#include "mime/spool_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mailveil::mime {
namespace {

int open_nameless(const std::string& directory) {
    int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR)) {
        return fd;
    }
    std::string path = directory + "/mailveil.XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd >= 0) {
        ::unlink(path.c_str());
    }
    return fd;
}

} // namespace

std::shared_ptr<SpoolFile> SpoolFile::create(const std::string& directory) {
    const int fd = open_nameless(directory);
    if (fd < 0) {
        throw SpoolError("cannot create a spool file in " + directory + ": " +
                         std::strerror(errno));
    }
    ::fchmod(fd, 0600);
    return std::shared_ptr<SpoolFile>(new SpoolFile(fd, directory));
}

SpoolFile::~SpoolFile() {
    ::close(fd_);
}

void SpoolFile::fail(const std::string& what) const {
    throw SpoolError("spool file in " + directory_ + ": cannot " + what + ": " +
                     std::strerror(errno));
}

void SpoolFile::append(std::string_view data) {
    while (!data.empty()) {
        const ssize_t written = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(size_));
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("write");
        }
        size_ += static_cast<std::uint64_t>(written);
        data.remove_prefix(static_cast<std::size_t>(written));
    }
}

GObjectPtr<GMimeStream> SpoolFile::write_stream() {
    const int copy = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
        fail("duplicate its descriptor");
    }
    auto stream = adopt(g_mime_stream_fs_new_with_bounds(copy, static_cast<gint64>(size_), -1));
    if (!stream) {
        ::close(copy);
        fail("open a stream on it");
    }
    return stream;
}

void SpoolFile::refresh_size() {
    struct stat status {};
    if (::fstat(fd_, &status) != 0) {
        fail("stat");
    }
    size_ = static_cast<std::uint64_t>(status.st_size);
}

void SpoolFile::read_chunks(const std::function<void(std::string_view)>& consume,
                            std::size_t chunk) const {
    std::vector<char> buffer(chunk);
    std::uint64_t offset = 0;
    while (offset < size_) {
        const ssize_t got = ::pread(fd_, buffer.data(), buffer.size(), static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            fail("read");
        }
        consume(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
        offset += static_cast<std::uint64_t>(got);
    }
}

char SpoolFile::byte_at(std::uint64_t offset) const {
    char byte = 0;
    if (::pread(fd_, &byte, 1, static_cast<off_t>(offset)) != 1) {
        fail("read");
    }
    return byte;
}

std::string SpoolFile::contents() const {
    std::string out;
    out.reserve(size_);
    read_chunks([&](std::string_view chunk) { out.append(chunk); });
    return out;
}

GObjectPtr<GMimeStream> SpoolFile::stream(std::uint64_t start) const {
    const int copy = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
        fail("duplicate its descriptor");
    }
    // GMime's fs stream reads with its own position from start on (it seeks
    // before each read), and closes the duplicate when it is freed. No end
    // bound: a bounded fs stream answers -1 instead of 0 at its end.
    auto stream = adopt(g_mime_stream_fs_new_with_bounds(copy, static_cast<gint64>(start), -1));
    if (!stream) {
        ::close(copy);
        fail("open a stream on it");
    }
    return stream;
}

} // namespace mailveil::mime
