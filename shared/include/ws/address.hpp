#pragma once
// Network addresses both programs judge the same way.
#include <string>

namespace ws {

// "localhost", 127.0.0.0/8 and ::1: traffic that never leaves the machine.
bool is_loopback_host(const std::string& host);

}  // namespace ws
