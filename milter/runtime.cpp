#include "milter/runtime.h"

#include <mutex>

namespace mailveil::milter {
namespace {

std::mutex g_mutex;
std::shared_ptr<const Runtime> g_runtime;

} // namespace

void install_runtime(std::shared_ptr<const Runtime> runtime) {
    const std::lock_guard lock(g_mutex);
    g_runtime = std::move(runtime);
}

std::shared_ptr<const Runtime> current_runtime() {
    const std::lock_guard lock(g_mutex);
    return g_runtime;
}

} // namespace mailveil::milter
