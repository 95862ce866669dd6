#pragma once
// The waiting room in front of the worker pool: an accepted connection waits here, on one epoll
// thread and without a worker, until its first request's header block is complete (plain HTTP)
// or its first bytes have arrived (TLS: the ClientHello; the handshake and the header then run on
// a worker under the read timeout). A connection that misses the deadline is closed; a header
// block over the limit gets a JSON 431. Connections are capped per remote address and in total,
// counted from accept until the connection closes, workers included. So slow or stalled clients
// cost a file descriptor each, never a worker.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace ws::server {

struct WaitingRoomOptions {
  int header_timeout_ms = 5000;             // from accept to a complete header block
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers
  int max_per_address = 256;  // per remote address: a centre's kiosks may share one NAT address
  int max_connections = 4096;                // open connections in total
  bool tls = false;                          // wait for the first bytes only
};

enum class HeaderScan { incomplete, complete, too_large };

// What the bytes received so far say about the first request's header block.
HeaderScan scan_header(std::string_view bytes, std::size_t max_header_bytes, bool tls);

// Open connections per remote address and in total.
class ConnectionLimits {
 public:
  ConnectionLimits(int max_per_address, int max_total) : max_per_address_(max_per_address), max_total_(max_total) {}
  bool admit(const std::string& address);
  void release(const std::string& address);
  int total() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, int> per_address_;
  int total_ = 0;
  int max_per_address_;
  int max_total_;
};

class WaitingRoom {
 public:
  // Called on the waiting room's thread with a connection whose header is complete; the
  // receiver owns the socket and calls release(address) once it has closed it.
  using HandOver = std::function<void(int fd, const std::string& address)>;

  WaitingRoom(WaitingRoomOptions options, HandOver hand_over);
  ~WaitingRoom();
  WaitingRoom(const WaitingRoom&) = delete;
  WaitingRoom& operator=(const WaitingRoom&) = delete;

  // Takes ownership of an accepted socket (closes it at once when over a cap).
  void admit(int fd);
  void release(const std::string& address) { limits_.release(address); }
  // Closes every waiting connection and ends the thread; later admits are closed at once.
  void stop();
  int open_connections() const { return limits_.total(); }

 private:
  struct Guest {
    std::string address;
    std::chrono::steady_clock::time_point deadline;
  };
  void run();
  void inspect(int fd);
  void expire_overdue();
  void close_guest(int fd, const std::string* reply);

  WaitingRoomOptions options_;
  HandOver hand_over_;
  ConnectionLimits limits_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::mutex mutex_;
  std::map<int, Guest> guests_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace ws::server
