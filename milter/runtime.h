// runtime.h - one loaded configuration and the engine built from it.
//
// The daemon holds the current Runtime behind a shared_ptr; SIGHUP builds a
// new one and swaps it in. Each message keeps the Runtime it started with
// (taken at MAIL FROM), so a reload never changes the rules mid-message.
#pragma once

#include "config/settings.h"
#include "core/engine.h"

#include <memory>

namespace mailveil::milter {

struct Runtime {
    explicit Runtime(config::Settings loaded)
        : settings(std::move(loaded)), engine(settings.engine_settings()) {}

    config::Settings settings;
    core::Engine engine;
};

void install_runtime(std::shared_ptr<const Runtime> runtime);
std::shared_ptr<const Runtime> current_runtime();

} // namespace mailveil::milter
