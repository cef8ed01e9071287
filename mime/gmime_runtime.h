// gmime_runtime.h - one-time initialisation of the GMime library.
//
// g_mime_init() must run once per process before any other GMime call; every
// entry point of mime/ calls ensure_gmime_initialized() first.
#pragma once

namespace mailveil::mime {

void ensure_gmime_initialized();

} // namespace mailveil::mime
