#include "keys/key_text.h"

#include "pgp/key_date.h"

namespace mailveil::keys {

std::string expiry_text(const pgp::KeySummary& key, std::time_t primary_expires) {
    if (!key.usable) {
        return key.why_not == "expired" && primary_expires > 0 ? pgp::key_date(primary_expires)
                                                               : "-";
    }
    return key.expires == 0 ? "never" : pgp::key_date(key.expires);
}

std::string status_text(const pgp::KeySummary& key) {
    return key.usable ? "usable" : "not usable: " + key.why_not;
}

} // namespace mailveil::keys
