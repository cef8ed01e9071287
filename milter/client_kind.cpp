#include "milter/client_kind.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace mailveil::milter {

void ConnectFacts::set_peer(const sockaddr* peer) {
    char text[INET6_ADDRSTRLEN] = {};
    if (peer == nullptr) {
        return;
    }
    if (peer->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(peer);
        if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) != nullptr) {
            address = text;
        }
        port = ntohs(in->sin_port);
    } else if (peer->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(peer);
        if (inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text) != nullptr) {
            address = text;
        }
        port = ntohs(in6->sin6_port);
    }
}

ClientKind classify(const ConnectFacts& facts) {
    return facts.port == 0 ? ClientKind::NonSmtp : ClientKind::Smtp;
}

std::string describe(const ConnectFacts& facts, ClientKind kind) {
    std::string out = "client=" + (facts.hostname.empty() ? "-" : facts.hostname) + "[" +
                      (facts.address.empty() ? "-" : facts.address) + "]";
    if (facts.port >= 0) {
        out += ":" + std::to_string(facts.port);
    }
    out += " v=\"" + facts.mta_version + "\"";
    out += " daemon_name=" + (facts.daemon_name.empty() ? "-" : facts.daemon_name);
    out += " daemon_addr=" + (facts.daemon_addr_sent ? facts.daemon_addr : std::string("none"));
    out += std::string(" kind=") + (kind == ClientKind::Smtp ? "smtp" : "non-smtp");
    return out;
}

} // namespace mailveil::milter
