// postfix_audit.cpp - judging a Postfix configuration; see postfix_audit.h.
#include "tlscheck/postfix_audit.h"

#include <algorithm>
#include <sstream>

#include "tlscheck/key_files.h"
#include "tlscheck/subprocess.h"

namespace tlscheck {
namespace {

const char* const parameters[] = {"smtpd_tls_security_level",
                                  "smtpd_use_tls",
                                  "smtpd_enforce_tls",
                                  "smtpd_tls_cert_file",
                                  "smtpd_tls_key_file",
                                  "smtpd_tls_chain_files",
                                  "smtpd_tls_protocols",
                                  "smtpd_tls_mandatory_protocols",
                                  "smtpd_tls_ciphers",
                                  "smtpd_tls_mandatory_ciphers",
                                  "smtpd_tls_exclude_ciphers",
                                  "smtpd_tls_auth_only",
                                  "smtpd_sasl_auth_enable",
                                  "smtp_tls_security_level",
                                  "smtpd_milters",
                                  "non_smtpd_milters",
                                  "milter_default_action",
                                  "tls_preempt_cipherlist"};

std::string trim(std::string s) {
    auto sp = [](unsigned char c) { return std::isspace(c) != 0; };
    s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), sp));
    s.erase(std::find_if_not(s.rbegin(), s.rend(), sp).base(), s.end());
    return s;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// "name = value" lines -> map.
void parse_postconf(const std::string& text, std::map<std::string, std::string>& into) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::size_t eq = line.find(" = ");
        if (eq != std::string::npos)
            into[trim(line.substr(0, eq))] = trim(line.substr(eq + 3));
        else if (!line.empty() && line.back() == '=')
            into[trim(line.substr(0, line.size() - 1))] = "";
    }
}

bool mentions(const std::string& entry, const std::string& what) {
    return lower(entry).find(lower(what)) != std::string::npos;
}

} // namespace

std::string lowest_allowed_protocol(const std::string& setting) {
    static const std::vector<std::string> order = {"sslv2",   "sslv3",   "tlsv1",
                                                   "tlsv1.1", "tlsv1.2", "tlsv1.3"};
    static const std::vector<std::string> shown = {"SSLv2",   "SSLv3",   "TLSv1",
                                                   "TLSv1.1", "TLSv1.2", "TLSv1.3"};
    auto index = [&](const std::string& name) {
        auto it = std::find(order.begin(), order.end(), lower(name));
        return it == order.end() ? -1 : static_cast<int>(it - order.begin());
    };
    std::vector<bool> allowed(order.size(), true);
    std::vector<bool> included(order.size(), false);
    bool any_included = false;
    std::string token;
    std::string s = setting;
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == ',' || c == ':'; }, ' ');
    std::istringstream in(s);
    while (in >> token) {
        if (token.rfind(">=", 0) == 0) {
            int i = index(token.substr(2));
            for (int j = 0; j < i; ++j)
                allowed[static_cast<std::size_t>(j)] = false;
        } else if (token.rfind("<=", 0) == 0) {
            int i = index(token.substr(2));
            if (i >= 0)
                for (std::size_t j = static_cast<std::size_t>(i) + 1; j < order.size(); ++j)
                    allowed[j] = false;
        } else if (token[0] == '!') {
            int i = index(token.substr(1));
            if (i >= 0)
                allowed[static_cast<std::size_t>(i)] = false;
        } else {
            int i = index(token);
            if (i >= 0) {
                included[static_cast<std::size_t>(i)] = true;
                any_included = true;
            }
        }
    }
    for (std::size_t i = 0; i < order.size(); ++i)
        if (allowed[i] && (!any_included || included[i]))
            return shown[i];
    return {};
}

std::vector<std::string> split_milters(const std::string& setting) {
    std::vector<std::string> out;
    std::string current;
    int depth = 0;
    auto flush = [&] {
        std::string t = trim(current);
        if (!t.empty())
            out.push_back(t);
        current.clear();
    };
    for (char c : setting) {
        if (c == '{')
            ++depth;
        if (c == '}')
            --depth;
        if (depth == 0 && (c == ',' || std::isspace(static_cast<unsigned char>(c))) &&
            current.find('{') == std::string::npos)
            flush();
        else
            current += c;
        if (c == '}' && depth == 0)
            flush();
    }
    flush();
    return out;
}

ConfigAudit audit_postfix(const Options& opt, const DialogueFacts* network, Findings& out) {
    using S = Severity;
    ConfigAudit audit;
    audit.mta = "postfix";
    std::vector<std::string> base = {"postconf"};
    if (!opt.postfix_dir.empty()) {
        base.push_back("-c");
        base.push_back(opt.postfix_dir);
    }
    audit.source = "postconf" + (opt.postfix_dir.empty() ? "" : " -c " + opt.postfix_dir);
    try {
        std::vector<std::string> argv = base;
        argv.push_back("-x");
        argv.insert(argv.end(), std::begin(parameters), std::end(parameters));
        CommandResult r = run_command(argv);
        if (r.exit_status != 0)
            throw CommandError("postconf failed: " + trim(r.err), false);
        parse_postconf(r.out, audit.settings);
        argv = base;
        argv.push_back("-P");
        CommandResult p = run_command(argv);
        std::map<std::string, std::string> overrides;
        if (p.exit_status == 0)
            parse_postconf(p.out, overrides);
        for (const auto& [name, value] : overrides) // "submission/inet/smtpd_tls_security_level"
            for (const char* param : parameters)
                if (name.size() > std::string(param).size() &&
                    name.compare(name.size() - std::string(param).size(), std::string::npos,
                                 param) == 0)
                    audit.settings["master.cf " + name] = value;
    } catch (const CommandError& e) {
        out.add("postfix.audit.failed", S::unknown,
                e.not_found() ? "postconf is not installed: the --postfix audit could not run"
                              : "the --postfix audit could not read the configuration",
                e.what());
        return audit;
    }
    auto get = [&](const char* name) {
        auto it = audit.settings.find(name);
        return it == audit.settings.end() ? std::string() : it->second;
    };

    // Incoming TLS.
    std::string level = lower(get("smtpd_tls_security_level"));
    if (level.empty())
        level = lower(get("smtpd_enforce_tls")) == "yes" ? "encrypt"
                : lower(get("smtpd_use_tls")) == "yes"   ? "may"
                                                         : "none";
    if (level == "none")
        out.add("postfix.tls.disabled", S::critical,
                "incoming TLS is off (smtpd_tls_security_level = none): no STARTTLS", audit.source);
    else if (level == "encrypt")
        out.add("postfix.tls.encrypt_on_mx", S::note,
                "smtpd_tls_security_level = encrypt: right for submission, but a public MX must "
                "not require TLS (RFC 3207 s.4); use a master.cf override for submission");

    // Certificate and key.
    std::string cert_file = get("smtpd_tls_cert_file");
    std::string key_file = get("smtpd_tls_key_file");
    std::string chain_files = get("smtpd_tls_chain_files");
    if (!chain_files.empty()) {
        std::string first = trim(chain_files.substr(0, chain_files.find_first_of(", ")));
        cert_file = first;
        key_file = first;
    }
    if (key_file.empty())
        key_file = cert_file;
    if (cert_file.empty()) {
        if (level != "none")
            out.add("postfix.tls.no_certificate", S::critical,
                    "TLS is enabled but no certificate is configured (smtpd_tls_cert_file)");
    } else {
        try {
            X509Ptr cert = load_certificate(cert_file);
            EvpPkeyPtr key = load_private_key(key_file);
            audit.presented_cert_file = cert_file;
            if (!key_matches(*cert, *key))
                out.add("postfix.tls.key_mismatch", S::critical,
                        "the private key does not belong to the certificate",
                        cert_file + " / " + key_file);
            if (network != nullptr && network->session && !network->session->chain.empty()) {
                X509* served = network->session->chain.front().get();
                if (X509_cmp(served, cert.get()) != 0)
                    out.add("postfix.tls.cert_not_served", S::warning,
                            "the server presents a different certificate than " + cert_file +
                                " (not reloaded since the file changed, or another server)",
                            "served: " + network->session->chain_facts.front().sha256_fingerprint);
                else
                    out.add("postfix.tls.cert_served", S::info,
                            "the server presents the certificate in " + cert_file);
            }
        } catch (const KeyFileError& e) {
            out.add("postfix.tls.unreadable", S::critical,
                    "the certificate or key file cannot be used", e.what());
        }
    }

    // Protocols and ciphers.
    std::string low = lowest_allowed_protocol(get("smtpd_tls_protocols"));
    if (low == "SSLv2" || low == "SSLv3")
        out.add("postfix.tls.protocols", S::warning,
                "smtpd_tls_protocols allows " + low + " (exclude it: \">=TLSv1\" or better)",
                get("smtpd_tls_protocols"));
    std::string mlow = lowest_allowed_protocol(get("smtpd_tls_mandatory_protocols"));
    if (mlow == "SSLv2" || mlow == "SSLv3" || mlow == "TLSv1" || mlow == "TLSv1.1")
        out.add("postfix.tls.mandatory_protocols", S::warning,
                "smtpd_tls_mandatory_protocols allows " + mlow +
                    " for mandatory TLS (RFC 8996: use \">=TLSv1.2\")",
                get("smtpd_tls_mandatory_protocols"));
    for (const char* name : {"smtpd_tls_ciphers", "smtpd_tls_mandatory_ciphers"}) {
        std::string grade = lower(get(name));
        if (grade == "export" || grade == "low" || grade == "null")
            out.add(std::string("postfix.tls.") + name, S::critical,
                    std::string(name) + " = " + grade + " enables weak suites");
    }
    if (lower(get("smtpd_sasl_auth_enable")) == "yes" && lower(get("smtpd_tls_auth_only")) != "yes")
        out.add("postfix.tls.auth_only", S::warning,
                "SASL AUTH is enabled without smtpd_tls_auth_only = yes: passwords may travel "
                "in clear");

    // Outgoing TLS.
    std::string out_level = lower(get("smtp_tls_security_level"));
    if (out_level.empty() || out_level == "none")
        out.add("postfix.smtp.tls_off", S::warning,
                "outgoing mail never uses TLS (smtp_tls_security_level is empty or none; "
                "use may or dane)");

    // Milter wiring for mailveil.
    std::vector<std::string> milters = split_milters(get("smtpd_milters"));
    std::vector<std::string> non_smtpd = split_milters(get("non_smtpd_milters"));
    auto is_mailveil = [&](const std::string& entry) {
        return opt.mailveil_milter.empty() ? mentions(entry, "mailveil")
                                           : mentions(entry, opt.mailveil_milter);
    };
    auto find_mailveil = [&](const std::vector<std::string>& list) {
        return std::find_if(list.begin(), list.end(), is_mailveil);
    };
    auto mv = find_mailveil(milters);
    if (milters.empty())
        out.add("postfix.milter.none", S::warning,
                "smtpd_milters is empty: mailveil does not see incoming mail");
    else if (mv == milters.end())
        out.add("postfix.milter.mailveil_missing", S::warning,
                "mailveil is not in smtpd_milters (give --mailveil-milter SOCKET if it is "
                "listed under another name)",
                get("smtpd_milters"));
    else {
        auto dkim = std::find_if(milters.begin(), milters.end(),
                                 [](const std::string& e) { return mentions(e, "dkim"); });
        if (dkim != milters.end() && dkim < mv)
            out.add("postfix.milter.order", S::warning,
                    "a DKIM milter runs before mailveil: the signature covers the plaintext "
                    "and breaks once mailveil encrypts; list mailveil first",
                    get("smtpd_milters"));
        if (find_mailveil(non_smtpd) == non_smtpd.end())
            out.add("postfix.milter.non_smtpd", S::warning,
                    "mailveil is not in non_smtpd_milters: mail from the sendmail command is "
                    "not encrypted",
                    get("non_smtpd_milters"));
        std::string action = lower(get("milter_default_action"));
        if (action != "tempfail")
            out.add("postfix.milter.default_action", S::critical,
                    "milter_default_action = " + action +
                        ": while mailveil is down mail passes unencrypted; use tempfail");
    }
    return audit;
}

} // namespace tlscheck
