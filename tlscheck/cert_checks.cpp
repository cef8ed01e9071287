// cert_checks.cpp - certificate verification and judging; see cert_checks.h.
#include "tlscheck/cert_checks.h"

#include <algorithm>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "tlscheck/checks.h"
#include "tlscheck/connection.h"

namespace tlscheck {
namespace {

struct StoreFree {
    void operator()(X509_STORE* p) const noexcept { X509_STORE_free(p); }
};
struct StoreCtxFree {
    void operator()(X509_STORE_CTX* p) const noexcept { X509_STORE_CTX_free(p); }
};
struct StackFree {
    void operator()(STACK_OF(X509) * p) const noexcept { sk_X509_free(p); }
};

int collect_errors(int ok, X509_STORE_CTX* ctx) {
    if (!ok) {
        auto* errors = static_cast<std::vector<ChainError>*>(X509_STORE_CTX_get_ex_data(ctx, 0));
        int code = X509_STORE_CTX_get_error(ctx);
        int depth = X509_STORE_CTX_get_error_depth(ctx);
        bool seen = std::any_of(errors->begin(), errors->end(), [&](const ChainError& e) {
            return e.code == code && e.depth == depth;
        });
        if (!seen)
            errors->push_back({code, depth, X509_verify_cert_error_string(code)});
    }
    return 1; // keep going: we want every error
}

bool has(const ChainVerification& v, int code, int depth = -1) {
    return std::any_of(v.errors.begin(), v.errors.end(), [&](const ChainError& e) {
        return e.code == code && (depth < 0 || e.depth == depth);
    });
}

} // namespace

ChainVerification verify_chain(const std::vector<X509Ptr>& chain,
                               const std::optional<std::string>& ca_file) {
    ChainVerification v;
    if (chain.empty())
        return v;
    std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
    int loaded = !store    ? 0
                 : ca_file ? X509_STORE_load_file(store.get(), ca_file->c_str())
                           : X509_STORE_set_default_paths(store.get());
    if (loaded != 1) {
        v.loaded = false;
        v.load_error = openssl_error();
        return v;
    }
    std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
    for (std::size_t i = 1; i < chain.size(); ++i)
        sk_X509_push(untrusted.get(), chain[i].get());
    std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get()) != 1) {
        v.loaded = false;
        v.load_error = openssl_error();
        return v;
    }
    X509_STORE_CTX_set_ex_data(ctx.get(), 0, &v.errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), collect_errors);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    X509_verify_cert(ctx.get());
    ERR_clear_error();
    return v;
}

void judge_certificate(const Options& opt, const SessionFacts& s, const ChainVerification& v,
                       Findings& out) {
    using S = Severity;
    if (s.chain.empty()) {
        out.add("cert.none", by_role(opt, S::note, S::critical),
                "the server presented no certificate (anonymous key exchange)", s.cipher_iana);
        return;
    }
    X509* leaf = s.chain.front().get();
    const CertificateFacts& f = s.chain_facts.front();

    if (!v.loaded) {
        out.add("cert.trust_store", S::unknown, "cannot load the trust store", v.load_error);
    } else if (v.errors.empty()) {
        out.add("cert.chain.trusted", S::info,
                "the chain verifies against " + (opt.ca_file
                                                     ? "the CA file " + *opt.ca_file
                                                     : std::string("the system trust store")));
    } else {
        std::string all;
        for (const auto& e : v.errors)
            all += (all.empty() ? "" : "; ") + e.text + " (depth " + std::to_string(e.depth) + ")";
        if (has(v, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)) {
            out.add(
                "cert.chain.self_signed", by_role(opt, S::note, S::critical),
                "the certificate is self-signed: it encrypts, but authenticates nothing; "
                "fine for opportunistic TLS on port 25, not for DANE-less MTA-STS or submission",
                f.subject);
        } else if (has(v, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)) {
            out.add("cert.chain.untrusted_root", by_role(opt, S::warning, S::critical),
                    "the chain ends in a root that is not trusted here", all);
        } else if (has(v, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) ||
                   has(v, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) ||
                   has(v, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)) {
            out.add("cert.chain.incomplete", by_role(opt, S::warning, S::critical),
                    s.chain.size() == 1
                        ? "the server sends only its own certificate and its issuer is not "
                          "trusted here: the intermediate certificate is missing from the "
                          "configured file, or the CA is unknown"
                        : "the chain does not lead to a trusted CA (missing intermediate or "
                          "unknown CA)",
                    "issuer: " + f.issuer + "; " + all);
        }
        for (const auto& e : v.errors) {
            bool explained = e.code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
                             e.code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
                             e.code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
                             e.code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
                             e.code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
                             ((e.code == X509_V_ERR_CERT_HAS_EXPIRED ||
                               e.code == X509_V_ERR_CERT_NOT_YET_VALID) &&
                              e.depth == 0);
            if (!explained)
                out.add("cert.chain.invalid", by_role(opt, S::warning, S::critical),
                        "certificate chain error: " + e.text, "depth " + std::to_string(e.depth));
        }
    }

    // Validity window of the leaf, judged from its dates.
    if (X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0)
        out.add("cert.not_yet_valid", S::critical, "the certificate is not valid yet",
                "notBefore " + f.not_before);
    if (X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0)
        out.add("cert.expired", S::critical, "the certificate has expired",
                "notAfter " + f.not_after);
    else if (f.days_left < opt.warn_days)
        out.add("cert.expiry.soon", S::warning,
                "the certificate expires in " + std::to_string(f.days_left) + " days",
                "notAfter " + f.not_after + " (--warn-days " + std::to_string(opt.warn_days) + ")");

    // Host names: the name connected to (unless an address) and every --mx-name.
    std::vector<std::string> names = opt.mx_names;
    if (!is_ip_literal(opt.host))
        names.insert(names.begin(), opt.host);
    for (const auto& name : names) {
        if (X509_check_host(leaf, name.c_str(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                            nullptr) != 1) {
            std::string sans;
            for (const auto& d : f.dns_names)
                sans += (sans.empty() ? "" : ", ") + d;
            out.add("cert.hostname.mismatch", by_role(opt, S::warning, S::critical),
                    "the certificate is not valid for " + name,
                    "subject " + f.subject + "; DNS names: " + (sans.empty() ? "none" : sans));
        }
    }
    if (names.empty())
        out.add("cert.hostname.unchecked", S::info,
                "connected by address: no host name to match (give --mx-name NAME)");

    // Key and signature.
    if ((f.key_type == "RSA" || f.key_type == "RSA-PSS" || f.key_type == "DSA") &&
        f.key_bits < 2048)
        out.add("cert.key.weak", f.key_bits < 1024 ? S::critical : S::warning,
                f.key_type + " key of " + std::to_string(f.key_bits) + " bits (below 2048)");
    if (f.key_type == "EC" && f.key_bits < 256)
        out.add("cert.key.weak", S::warning,
                "EC key of " + std::to_string(f.key_bits) + " bits (below 256)");
    const std::string& sig = f.signature_algorithm;
    if (sig.find("md5") != std::string::npos || sig.find("MD5") != std::string::npos)
        out.add("cert.signature.weak", S::critical, "the certificate is signed with MD5", sig);
    else if ((sig.find("sha1") != std::string::npos || sig.find("SHA1") != std::string::npos) &&
             !f.self_issued)
        out.add("cert.signature.weak", S::warning, "the certificate is signed with SHA-1", sig);
}

} // namespace tlscheck
