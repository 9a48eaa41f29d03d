// The API's OpenAPI 3 description (docs/api/openapi.yaml), built into the program at configure time so
// /api/v1/openapi.yaml serves exactly the file CI validates; nothing is read at run time.
#pragma once

#include <string_view>

namespace bodycam::console::web {

[[nodiscard]] std::string_view openapi_yaml() noexcept;

}  // namespace bodycam::console::web
