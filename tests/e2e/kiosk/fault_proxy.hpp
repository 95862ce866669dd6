#pragma once
// A loopback TCP proxy between kiosk and server that misbehaves on purpose: it drops
// connections, cuts replies short, holds replies past the client's timeout and answers 500
// after the server has done the work. It also counts the bytes on the wire. Like a firewall or
// a proxy in a reception centre, it can also answer every request itself with an HTML error
// page (no protocol header) without passing anything on.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace ws::e2e {

class FaultProxy {
 public:
  enum class Mode { Pass, Drop, Truncate, Delay, Answer500 };

  FaultProxy();   // listens on 127.0.0.1, kernel-chosen port
  ~FaultProxy();  // stops and joins every thread
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  void set_upstream(int port) { upstream_ = port; }
  // Each new connection misbehaves with this probability (one of the four faults).
  void set_fault_rate(double p, std::uint64_t seed);
  void set_delay_ms(int ms) { delay_ms_ = ms; }
  // Every new connection gets this HTTP status with an HTML body (0: pass to the server).
  void set_html_refusal(int status) { html_status_ = status; }
  std::uint64_t html_refusals() const { return html_refusals_; }
  std::uint64_t bytes_up() const { return up_; }
  std::uint64_t bytes_down() const { return down_; }
  std::uint64_t faults() const { return faults_; }
  void reset_counters() { up_ = down_ = 0; }

 private:
  void accept_loop();
  void serve(int client, Mode mode, std::uint64_t seed);
  void refuse_html(int client, int status);
  Mode pick(std::uint64_t& seed);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> upstream_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> delay_ms_{2500};
  std::atomic<int> html_status_{0};
  std::atomic<std::uint64_t> html_refusals_{0};
  std::atomic<std::uint64_t> up_{0}, down_{0}, faults_{0};
  std::mutex mutex_;
  double fault_rate_ = 0;
  std::mt19937_64 rng_{1};
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace ws::e2e
