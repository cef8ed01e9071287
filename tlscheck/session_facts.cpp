// session_facts.cpp - describe a TLS session and certificates; see session_facts.h.
#include "tlscheck/session_facts.h"

#include <cstdio>
#include <ctime>
#include <memory>

#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

namespace tlscheck {
namespace {

struct GeneralNamesFree {
    void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
};

std::string name_text(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || name == nullptr)
        return {};
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string iso_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1)
        return {};
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string nid_name(int nid) {
    if (nid == NID_undef)
        return {};
    const char* ln = OBJ_nid2ln(nid);
    return ln != nullptr ? ln : std::to_string(nid);
}

} // namespace

CertificateFacts read_certificate_facts(X509& cert) {
    CertificateFacts f;
    f.subject = name_text(X509_get_subject_name(&cert));
    f.issuer = name_text(X509_get_issuer_name(&cert));
    f.self_issued = X509_NAME_cmp(X509_get_subject_name(&cert), X509_get_issuer_name(&cert)) == 0;
    f.not_before = iso_time(X509_get0_notBefore(&cert));
    f.not_after = iso_time(X509_get0_notAfter(&cert));
    int days = 0, secs = 0;
    if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(&cert)) == 1)
        f.days_left = days - (days <= 0 && secs < 0 ? 1 : 0);

    std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> owned(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(&cert, NID_subject_alt_name, nullptr, nullptr)));
    if (const GENERAL_NAMES* sans = owned.get()) {
        for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
            const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
            if (gn->type == GEN_DNS) {
                const ASN1_STRING* s = gn->d.dNSName;
                f.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                         static_cast<std::size_t>(ASN1_STRING_length(s)));
            } else if (gn->type == GEN_IPADD) {
                const ASN1_OCTET_STRING* s = gn->d.iPAddress;
                const unsigned char* d = ASN1_STRING_get0_data(s);
                char buf[64] = "";
                if (ASN1_STRING_length(s) == 4)
                    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
                else
                    std::snprintf(buf, sizeof buf, "(IPv6 address)");
                f.ip_addresses.emplace_back(buf);
            }
        }
    }

    if (EVP_PKEY* key = X509_get0_pubkey(&cert)) {
        const char* type = EVP_PKEY_get0_type_name(key);
        f.key_type = type != nullptr ? type : "unknown";
        f.key_bits = EVP_PKEY_get_bits(key);
        char curve[80];
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &len) == 1)
            f.curve.assign(curve, len);
    }
    f.signature_algorithm = nid_name(X509_get_signature_nid(&cert));

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (X509_digest(&cert, EVP_sha256(), md, &md_len) == 1) {
        for (unsigned int i = 0; i < md_len; ++i) {
            char hex[4];
            std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
            f.sha256_fingerprint += hex;
        }
    }
    return f;
}

SessionFacts read_session_facts(SSL& ssl) {
    SessionFacts s;
    s.protocol = SSL_get_version(&ssl);
    if (const SSL_CIPHER* c = SSL_get_current_cipher(&ssl)) {
        s.cipher_openssl = SSL_CIPHER_get_name(c);
        const char* std_name = SSL_CIPHER_standard_name(c);
        s.cipher_iana = std_name != nullptr ? std_name : "";
        s.cipher_id = static_cast<std::uint16_t>(SSL_CIPHER_get_protocol_id(c));
        int kx = SSL_CIPHER_get_kx_nid(c);
        s.forward_secrecy = kx == NID_kx_ecdhe || kx == NID_kx_dhe || kx == NID_kx_any ||
                            kx == NID_kx_ecdhe_psk || kx == NID_kx_dhe_psk;
    }
    EVP_PKEY* tmp = nullptr;
    if (SSL_get_peer_tmp_key(&ssl, &tmp) == 1) {
        EvpPkeyPtr key(tmp);
        s.kx_bits = EVP_PKEY_get_bits(key.get());
        char group[80];
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key.get(), "group", group, sizeof group, &len) == 1)
            s.kx_group.assign(group, len);
        else if (const char* type = EVP_PKEY_get0_type_name(key.get()))
            s.kx_group = type;
        if (s.kx_group == "DH" || s.kx_group == "DHX")
            s.kx_group = "DH " + std::to_string(s.kx_bits);
    }
    int sig_nid = NID_undef;
    if (SSL_get_peer_signature_type_nid(&ssl, &sig_nid) == 1) {
        int hash_nid = NID_undef;
        SSL_get_peer_signature_nid(&ssl, &hash_nid);
        const char* sig = OBJ_nid2sn(sig_nid);
        s.peer_signature = sig != nullptr ? sig : std::to_string(sig_nid);
        if (hash_nid != NID_undef)
            s.peer_signature += " with " + std::string(OBJ_nid2sn(hash_nid));
    }
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(&ssl)) {
        for (int i = 0; i < sk_X509_num(chain); ++i) {
            X509* cert = sk_X509_value(chain, i);
            s.chain.push_back(share(cert));
            s.chain_facts.push_back(read_certificate_facts(*cert));
        }
    }
    s.verify_code = SSL_get_verify_result(&ssl);
    s.verify_error = X509_verify_cert_error_string(s.verify_code);
    return s;
}

} // namespace tlscheck
