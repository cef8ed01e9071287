// options.cpp - command-line parsing; see options.h.
#include "tlscheck/options.h"

#include <algorithm>
#include <charconv>
#include <unistd.h>

namespace tlscheck {
namespace {

long to_number(const std::string& text, const std::string& option, long min, long max) {
    long value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max)
        throw UsageError(option + " needs a number from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", not \"" + text + "\"");
    return value;
}

std::string default_ehlo_name() {
    char buf[256] = "";
    if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0')
        return "localhost";
    return buf;
}

} // namespace

const char* usage_text() {
    return "usage: mailveil-tlscheck [options] HOST[:PORT]\n"
           "       mailveil-tlscheck --postfix[=CONFIG_DIR] | --exim [HOST[:PORT]]\n"
           "\n"
           "  --submission          port 587, submission role (STARTTLS)\n"
           "  --smtps               port 465, submission role, implicit TLS\n"
           "  --strict              judge port 25 like a submission port\n"
           "  -4, -6                IPv4 or IPv6 only\n"
           "  --ehlo NAME           name to send in EHLO (default: this host's name)\n"
           "  --timeout SECONDS     per reply / handshake (default 10)\n"
           "  --quick               one handshake, a swaks-like summary\n"
           "  --json                one JSON document (schema in the man page)\n"
           "  --nagios              one monitoring-plugin line with performance data\n"
           "  --no-color            no colour even on a terminal\n"
           "  --no-progress         no progress line on a terminal\n"
           "  --ca-file FILE        trust these CAs instead of the system store\n"
           "  --mx-name NAME        also check the certificate for this MX name (repeatable)\n"
           "  --warn-days N         warn N days before expiry (default 21)\n"
           "  --parallel N          parallel probe connections (default 4, 1..16)\n"
           "  --postfix[=DIR]       audit the local Postfix configuration (postconf)\n"
           "  --exim[=BINARY]       audit the local Exim configuration (exim -bP)\n"
           "  --mailveil-milter S   how mailveil appears in smtpd_milters\n"
           "  --help, --version\n"
           "exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n";
}

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    bool port_given = false;
    std::optional<unsigned> role_port;
    std::string target;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const std::string& name) -> std::string {
            if (i + 1 >= args.size())
                throw UsageError(name + " needs a value");
            return args[++i];
        };
        if (a == "--help" || a == "-h")
            o.help = true;
        else if (a == "--version")
            o.version = true;
        else if (a == "--submission") {
            o.role = Role::submission;
            role_port = 587;
        } else if (a == "--smtps") {
            o.role = Role::submission;
            o.implicit_tls = true;
            role_port = 465;
        } else if (a == "--strict")
            o.strict = true;
        else if (a == "-4")
            o.family = AddressFamily::ipv4;
        else if (a == "-6")
            o.family = AddressFamily::ipv6;
        else if (a == "--ehlo")
            o.ehlo_name = value(a);
        else if (a == "--timeout")
            o.timeout = Millis(to_number(value(a), a, 1, 600) * 1000);
        else if (a == "--quick")
            o.quick = true;
        else if (a == "--json")
            o.format = OutputFormat::json;
        else if (a == "--nagios")
            o.format = OutputFormat::nagios;
        else if (a == "--no-color" || a == "--no-colour")
            o.color = false;
        else if (a == "--no-progress")
            o.progress = false;
        else if (a == "--ca-file")
            o.ca_file = value(a);
        else if (a == "--mx-name")
            o.mx_names.push_back(value(a));
        else if (a == "--warn-days")
            o.warn_days = static_cast<int>(to_number(value(a), a, 0, 3650));
        else if (a == "--parallel")
            o.parallel = static_cast<unsigned>(to_number(value(a), a, 1, 16));
        else if (a == "--postfix")
            o.postfix = true;
        else if (a.rfind("--postfix=", 0) == 0) {
            o.postfix = true;
            o.postfix_dir = a.substr(10);
        } else if (a == "--exim")
            o.exim = true;
        else if (a.rfind("--exim=", 0) == 0) {
            o.exim = true;
            o.exim_binary = a.substr(7);
        } else if (a == "--mailveil-milter")
            o.mailveil_milter = value(a);
        else if (!a.empty() && a[0] == '-')
            throw UsageError("unknown option " + a);
        else if (o.postfix && o.postfix_dir.empty() && a[0] == '/' && i > 0 &&
                 args[i - 1] == "--postfix")
            o.postfix_dir = a; // "--postfix /etc/postfix"
        else if (target.empty())
            target = a;
        else
            throw UsageError("more than one HOST given (" + target + ", " + a + ")");
    }
    if (o.help || o.version)
        return o;
    if (target.empty() && !o.postfix && !o.exim)
        throw UsageError("no HOST given");
    if (!target.empty()) {
        std::string port_text;
        if (target.front() == '[') {
            std::size_t close = target.find(']');
            if (close == std::string::npos)
                throw UsageError("unclosed [ in " + target);
            o.host = target.substr(1, close - 1);
            if (close + 1 < target.size()) {
                if (target[close + 1] != ':')
                    throw UsageError("expected :PORT after ] in " + target);
                port_text = target.substr(close + 2);
                port_given = true;
            }
        } else if (std::count(target.begin(), target.end(), ':') == 1) {
            std::size_t colon = target.find(':');
            o.host = target.substr(0, colon);
            port_text = target.substr(colon + 1);
            port_given = true;
        } else {
            o.host = target; // a name, IPv4, or a bare IPv6 literal
        }
        if (o.host.empty())
            throw UsageError("empty host in " + target);
        if (port_given)
            o.port = static_cast<unsigned>(to_number(port_text, "PORT", 1, 65535));
        else if (role_port)
            o.port = *role_port;
        if (!role_port && (o.port == 587 || o.port == 465))
            o.role = Role::submission;
        if (!role_port && o.port == 465)
            o.implicit_tls = true;
    }
    if (o.ehlo_name.empty())
        o.ehlo_name = default_ehlo_name();
    return o;
}

} // namespace tlscheck
