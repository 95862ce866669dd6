#pragma once
// The server keeps each record's `field_versions` in the compact form the protocol sends (a
// top-level field has an entry only where its version differs from the record's; row paths
// always do), in `records` and `record_history`: less to insert, commit and checkpoint per
// record. Readers that need every field's version (merge, authority, protocol 1 pulls) expand
// it here with the record's payload. Full text (older rows) reads the same.
#include <map>
#include <string>
#include <string_view>

#include "ws/hlc.hpp"
#include "ws/result.hpp"

namespace ws::server {

using FieldVersions = std::map<std::string, Version>;

// A stored `field_versions` text, either form, as a map. Errors: "corrupt".
Result<FieldVersions> parse_stored_versions(std::string_view text);

// Gives every top-level field of `payload` (a JSON object's text) without an entry the
// record's `version`, which is what its missing entry means. Errors: "corrupt".
Status add_implied_versions(FieldVersions& versions, std::string_view payload, const Version& version);

// The full form's text (field_versions_json) of a stored record, for protocol 1 pulls.
Result<std::string> full_versions_text(std::string_view payload, std::string_view stored, std::string_view version);

}  // namespace ws::server
