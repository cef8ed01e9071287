#include "mime/gmime_runtime.h"

#include <gmime/gmime.h>

#include <mutex>

namespace mailveil::mime {

void ensure_gmime_initialized() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

} // namespace mailveil::mime
