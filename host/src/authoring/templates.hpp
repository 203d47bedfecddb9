// The files of a scaffolded plugin project, per language, with {{PLACEHOLDERS}} (see
// scaffold.cpp for their values).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "authoring/scaffold.hpp"

namespace txform::authoring {

struct TemplateFile {
  std::string_view path;  // relative to the project directory; may hold placeholders
  std::string_view text;
};

// Every file of a project in `language` but its README: sources, build files, sample test.
std::vector<TemplateFile> project_templates(Language language);

// The README.md of a project in `language`, with placeholders.
std::string project_readme(Language language);

}  // namespace txform::authoring
