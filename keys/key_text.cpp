#include "keys/key_text.h"

namespace mailveil::keys {

std::string date_text(std::time_t when) {
    char text[32];
    std::tm parts{};
    gmtime_r(&when, &parts);
    std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
    return text;
}

std::string expiry_text(const pgp::KeySummary& key, std::time_t primary_expires) {
    if (!key.usable) {
        return key.why_not == "expired" && primary_expires > 0 ? date_text(primary_expires) : "-";
    }
    return key.expires == 0 ? "never" : date_text(key.expires);
}

std::string status_text(const pgp::KeySummary& key) {
    return key.usable ? "usable" : "not usable: " + key.why_not;
}

} // namespace mailveil::keys
