// gmime_handles.h - owning handles for GMime (GObject) and GLib objects.
#pragma once

#include <gmime/gmime.h>

#include <memory>

namespace mailveil::mime {

struct GObjectUnref {
    void operator()(void* object) const {
        if (object != nullptr) {
            g_object_unref(object);
        }
    }
};

// Owns one reference to a GObject-derived GMime object.
template <typename T> using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

// Takes ownership of a reference returned by a GMime "new"/"construct" call.
template <typename T> GObjectPtr<T> adopt(T* object) {
    return GObjectPtr<T>(object);
}

struct FormatOptionsFree {
    void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};
using FormatOptionsPtr = std::unique_ptr<GMimeFormatOptions, FormatOptionsFree>;

struct GFree {
    void operator()(void* memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

} // namespace mailveil::mime
