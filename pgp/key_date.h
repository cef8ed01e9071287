// key_date.h - a key's date (creation, expiry) as mailveil shows it to the
// admin: YYYY-MM-DD in UTC.
#pragma once

#include <ctime>
#include <string>

namespace mailveil::pgp {

std::string key_date(std::time_t when);

} // namespace mailveil::pgp
