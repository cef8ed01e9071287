#include "milter/tcp_nodelay.h"

#include <cstdlib>
#include <dirent.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>

namespace mailveil::milter {
namespace {

int socket_option(int fd, int option) {
    int value = 0;
    socklen_t length = sizeof value;
    return ::getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 ? value : -1;
}

bool is_tcp_listener(int fd) {
    const int domain = socket_option(fd, SO_DOMAIN);
    return (domain == AF_INET || domain == AF_INET6) && socket_option(fd, SO_TYPE) == SOCK_STREAM &&
           socket_option(fd, SO_ACCEPTCONN) == 1;
}

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};

} // namespace

int disable_nagle_on_tcp_listeners() {
    const std::unique_ptr<DIR, DirCloser> fds(::opendir("/proc/self/fd"));
    if (!fds) {
        return 0;
    }
    int count = 0;
    while (const dirent* entry = ::readdir(fds.get())) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == ::dirfd(fds.get()) ||
            !is_tcp_listener(static_cast<int>(fd))) {
            continue;
        }
        const int on = 1;
        if (::setsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0) {
            ++count;
        }
    }
    return count;
}

} // namespace mailveil::milter
