// exim_audit.cpp - judging an Exim configuration; see exim_audit.h.
#include "tlscheck/exim_audit.h"

#include <algorithm>
#include <sstream>

#include "tlscheck/key_files.h"
#include "tlscheck/subprocess.h"

namespace tlscheck {

ConfigAudit audit_exim(const Options& opt, Findings& out) {
    using S = Severity;
    ConfigAudit audit;
    audit.mta = "exim";
    std::string binary = opt.exim_binary;
    if (binary.empty())
        binary = !find_program("exim4").empty() ? "exim4" : "exim";
    if (find_program(binary).empty()) {
        out.add("exim.not_installed", S::unknown,
                "Exim is not installed (no " + binary + " found): the --exim audit could not run");
        return audit;
    }
    audit.source = binary + " -bP";
    const std::vector<std::string> names = {"tls_certificate", "tls_privatekey",
                                            "tls_advertise_hosts", "tls_require_ciphers"};
    try {
        std::vector<std::string> argv = {binary, "-bP"};
        argv.insert(argv.end(), names.begin(), names.end());
        CommandResult r = run_command(argv);
        if (r.exit_status != 0)
            throw CommandError(binary + " -bP failed: " + r.err, false);
        std::istringstream in(r.out);
        std::string line;
        while (std::getline(in, line)) {
            std::size_t eq = line.find('=');
            std::string name = line.substr(0, eq);
            name.erase(name.find_last_not_of(' ') + 1);
            std::string value = eq == std::string::npos ? "" : line.substr(eq + 1);
            value.erase(0, value.find_first_not_of(' '));
            if (!name.empty())
                audit.settings[name] = value;
        }
    } catch (const CommandError& e) {
        out.add("exim.audit.failed", S::unknown,
                "the --exim audit could not read the configuration", e.what());
        return audit;
    }
    auto get = [&](const std::string& n) {
        auto it = audit.settings.find(n);
        return it == audit.settings.end() ? std::string() : it->second;
    };
    if (get("tls_advertise_hosts").empty())
        out.add("exim.tls.disabled", S::critical,
                "tls_advertise_hosts is empty: Exim offers no STARTTLS (Debian: set "
                "MAIN_TLS_ENABLE)");
    std::string cert = get("tls_certificate");
    std::string key = get("tls_privatekey");
    if (cert.empty()) {
        out.add("exim.tls.no_certificate", S::critical, "tls_certificate is not set");
    } else if (cert.find('$') == std::string::npos) {
        try {
            X509Ptr c = load_certificate(cert);
            EvpPkeyPtr k = load_private_key(key.empty() ? cert : key);
            if (!key_matches(*c, *k))
                out.add("exim.tls.key_mismatch", S::critical,
                        "tls_privatekey does not belong to tls_certificate", cert + " / " + key);
        } catch (const KeyFileError& e) {
            out.add("exim.tls.unreadable", S::critical,
                    "the certificate or key file cannot be used", e.what());
        }
    }
    std::string ciphers = get("tls_require_ciphers");
    std::string upper = ciphers;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const char* weak : {"ARCFOUR", "RC4", "3DES", "DES-CBC", "NULL", "EXPORT", "VERS-SSL3.0"})
        if (upper.find(std::string("+") + weak) != std::string::npos ||
            upper.find(std::string(":") + weak) != std::string::npos) {
            out.add("exim.tls.weak_ciphers", S::warning,
                    std::string("tls_require_ciphers enables ") + weak, ciphers);
            break;
        }
    return audit;
}

} // namespace tlscheck
