#include "pgp/key_date.h"

namespace mailveil::pgp {

std::string key_date(std::time_t when) {
    char text[32];
    std::tm parts{};
    gmtime_r(&when, &parts);
    std::strftime(text, sizeof text, "%Y-%m-%d", &parts);
    return text;
}

} // namespace mailveil::pgp
