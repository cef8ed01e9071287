// client_hello.cpp - ClientHello writer and ServerHello/alert reader; see client_hello.h.
#include "tlscheck/client_hello.h"

#include <algorithm>
#include <array>

#include <openssl/rand.h>

namespace tlscheck {

const char* version_name(TlsVersion v) {
    switch (v) {
    case TlsVersion::ssl3:
        return "SSLv3";
    case TlsVersion::tls1_0:
        return "TLSv1.0";
    case TlsVersion::tls1_1:
        return "TLSv1.1";
    case TlsVersion::tls1_2:
        return "TLSv1.2";
    case TlsVersion::tls1_3:
        return "TLSv1.3";
    }
    return "?";
}

namespace {

void put8(std::string& out, unsigned v) {
    out.push_back(static_cast<char>(v & 0xff));
}
void put16(std::string& out, unsigned v) {
    put8(out, v >> 8);
    put8(out, v);
}
void put24(std::string& out, std::size_t v) {
    put8(out, static_cast<unsigned>(v >> 16));
    put16(out, static_cast<unsigned>(v & 0xffff));
}
std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        for (std::size_t i = 0; i < n; ++i)
            out[i] = static_cast<char>(i * 37 + 11); // any bytes will do for a probe
    return out;
}
void extension(std::string& out, unsigned type, const std::string& body) {
    put16(out, type);
    put16(out, static_cast<unsigned>(body.size()));
    out += body;
}
std::string u16_list(std::initializer_list<unsigned> values, unsigned length_bytes) {
    std::string body;
    for (unsigned v : values)
        put16(body, v);
    std::string out;
    if (length_bytes == 1)
        put8(out, static_cast<unsigned>(body.size()));
    else
        put16(out, static_cast<unsigned>(body.size()));
    return out + body;
}

unsigned get16(std::string_view s, std::size_t at) {
    return (static_cast<unsigned char>(s[at]) << 8) | static_cast<unsigned char>(s[at + 1]);
}

// SHA-256("HelloRetryRequest"), RFC 8446 s.4.1.3.
constexpr std::array<unsigned char, 32> hrr_random = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

} // namespace

std::string build_client_hello(TlsVersion version, const std::vector<std::uint16_t>& suites,
                               const std::string& sni) {
    const bool tls13 = version == TlsVersion::tls1_3;
    const bool ssl3 = version == TlsVersion::ssl3;
    std::string body;
    put16(body, tls13 ? 0x0303 : static_cast<unsigned>(version));
    body += random_bytes(32);
    if (tls13) { // middlebox-compatible session id, RFC 8446 D.4
        put8(body, 32);
        body += random_bytes(32);
    } else {
        put8(body, 0);
    }
    std::string list;
    for (std::uint16_t s : suites)
        put16(list, s);
    if (ssl3)
        put16(list, 0x00FF); // TLS_EMPTY_RENEGOTIATION_INFO_SCSV instead of the extension
    put16(body, static_cast<unsigned>(list.size()));
    body += list;
    put8(body, 1); // compression methods: null only
    put8(body, 0);

    if (!ssl3) {
        std::string ext;
        if (!sni.empty()) {
            std::string name;
            put8(name, 0); // host_name
            put16(name, static_cast<unsigned>(sni.size()));
            name += sni;
            std::string list_body;
            put16(list_body, static_cast<unsigned>(name.size()));
            extension(ext, 0x0000, list_body + name);
        }
        // supported_groups: x25519, secp256r1, secp384r1, secp521r1, x448, ffdhe2048..8192
        extension(ext, 0x000a,
                  u16_list({0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102, 0x0103,
                            0x0104},
                           2));
        if (!tls13)
            extension(ext, 0x000b, std::string("\x01\x00", 2)); // ec_point_formats: uncompressed
        if (version >= TlsVersion::tls1_2)
            extension(ext, 0x000d, // signature_algorithms
                      u16_list({0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
                                0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301,
                                0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202},
                               2));
        if (!tls13) {
            extension(ext, 0xff01, std::string("\x00", 1)); // renegotiation_info, empty
            extension(ext, 0x0017, "");                     // extended_master_secret
        } else {
            extension(ext, 0x002b, u16_list({0x0304}, 1)); // supported_versions
            extension(ext, 0x002d,
                      std::string("\x01\x01", 2)); // psk_key_exchange_modes: psk_dhe_ke
            std::string share;
            put16(share, 0x001d); // x25519; any 32 bytes are a public value
            put16(share, 32);
            share += random_bytes(32);
            std::string shares;
            put16(shares, static_cast<unsigned>(share.size()));
            extension(ext, 0x0033, shares + share); // key_share
        }
        put16(body, static_cast<unsigned>(ext.size()));
        body += ext;
    }

    std::string handshake;
    put8(handshake, 1); // client_hello
    put24(handshake, body.size());
    handshake += body;
    std::string record;
    put8(record, 22); // handshake
    put16(record, ssl3 ? 0x0300 : 0x0301);
    put16(record, static_cast<unsigned>(handshake.size()));
    return record + handshake;
}

std::optional<HelloAnswer> HelloReader::feed(std::string_view bytes) {
    records_.append(bytes);
    HelloAnswer a;
    while (records_.size() >= 5) {
        auto type = static_cast<unsigned char>(records_[0]);
        unsigned major = static_cast<unsigned char>(records_[1]);
        std::size_t length = get16(records_, 3);
        if ((type != 21 && type != 22) || major != 3 || length == 0 || length > 18432) {
            a.detail = "not a TLS record (first bytes \"" +
                       std::string(records_.substr(0, std::min<std::size_t>(records_.size(), 24))) +
                       "\")";
            return a;
        }
        if (records_.size() < 5 + length)
            return std::nullopt;
        std::string payload = records_.substr(5, length);
        records_.erase(0, 5 + length);
        if (type == 21) {
            if (payload.size() < 2) {
                a.detail = "short alert";
                return a;
            }
            a.kind = HelloAnswer::Kind::alert;
            a.alert_level = static_cast<std::uint8_t>(payload[0]);
            a.alert_description = static_cast<std::uint8_t>(payload[1]);
            return a;
        }
        handshake_ += payload;
        if (handshake_.size() < 4)
            continue;
        if (handshake_[0] != 2) {
            a.detail = "first handshake message is not a ServerHello";
            return a;
        }
        std::size_t msg_len =
            (static_cast<unsigned char>(handshake_[1]) << 16) | get16(handshake_, 2);
        if (handshake_.size() < 4 + msg_len)
            continue;
        std::string_view m(handshake_.data() + 4, msg_len);
        // version(2) random(32) session_id(1+n) suite(2) compression(1) [extensions]
        if (m.size() < 38 || m.size() < 38u + static_cast<unsigned char>(m[34])) {
            a.detail = "short ServerHello";
            return a;
        }
        a.kind = HelloAnswer::Kind::server_hello;
        a.version = static_cast<std::uint16_t>(get16(m, 0));
        a.hello_retry = std::equal(hrr_random.begin(), hrr_random.end(),
                                   reinterpret_cast<const unsigned char*>(m.data() + 2));
        std::size_t at = 35 + static_cast<unsigned char>(m[34]);
        a.suite = static_cast<std::uint16_t>(get16(m, at));
        at += 3;
        if (at + 2 <= m.size()) {
            std::size_t end = std::min(m.size(), at + 2 + get16(m, at));
            at += 2;
            while (at + 4 <= end) {
                unsigned ext_type = get16(m, at);
                std::size_t ext_len = get16(m, at + 2);
                at += 4;
                if (at + ext_len > end)
                    break;
                if (ext_type == 0x002b && ext_len == 2)
                    a.version = static_cast<std::uint16_t>(get16(m, at));
                at += ext_len;
            }
        }
        return a;
    }
    return std::nullopt;
}

} // namespace tlscheck
