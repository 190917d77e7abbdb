//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DEMO_HTTP_SERVER_HPP
#define CONCURRENT_FUTURES_DEMO_HTTP_SERVER_HPP

// A real HTTP server and a real blocking HTTP client for the demos, on
// loopback, with Boost.Beast.
//
// The demos that "download" things start one of these servers themselves,
// so they need no network and behave the same on every run, yet every
// request is a real TCP connection, a real HTTP/1.1 exchange and a real
// failure when one is asked for:
//
//   demo::http_server server({
//       {"/index.html", {.body = "<h1>hi</h1>", .latency = 200ms}},
//       {"/busy", {.status = 503, .body = "try later"}},
//       {"/flaky", {.latency = 50ms, .reset = true}},
//   });
//   demo::http_response r = demo::http_get("127.0.0.1", server.port(), "/index.html",
//   2s);
//
// The server is asynchronous, on one thread of its own: a route's latency is
// a timer, not a sleep, so a hundred slow requests wait side by side and the
// server keeps accepting meanwhile. That matters for the demos: what they
// measure is the parallelism of the client side (the pool), never a queue in
// the server.
//
// The client is blocking, the kind of call a thread pool exists for: the
// calling thread waits until the answer is in, the deadline passes, or a
// std::stop_token asks it to give up.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace demo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

/// What the server does at one path.
struct route {
  /// The HTTP status of the answer (200, 404, 503, ...).
  unsigned status = 200;
  /// The body of the answer.
  std::string body{};
  /// How long the server waits before it answers (a timer: other requests
  /// are served meanwhile).
  std::chrono::milliseconds latency{0};
  /// Instead of answering, abort the connection after the latency: the
  /// client sees "connection reset by peer" (ECONNRESET).
  bool reset = false;
};

/// Path (the request target, e.g. "/file07") -> what to do. A path not in
/// the table is answered 404 at once.
using route_table = std::map<std::string, route, std::less<>>;

/// An HTTP/1.1 server on 127.0.0.1, on a port the system picks.
/**
 * Starts serving in the constructor, on a thread of its own; the destructor
 * abandons the requests still waiting for their latency (their connections
 * close) and joins that thread. One request per connection: every answer
 * says `Connection: close`.
 */
class http_server {
public:
  explicit http_server(route_table routes)
      : routes_(std::move(routes)),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0)),
        port_(acceptor_.local_endpoint().port()) {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~http_server() {
    // Everything the server owns is touched on its thread only, so the stop
    // is posted there: no new connections, every waiting request woken up.
    // io_.run() then runs out of work and returns.
    asio::post(io_, [this] {
      stopping_ = true;
      acceptor_.close();
      for (session* s : sessions_) {
        s->timer.cancel();
        beast::error_code ignored;
        s->socket.close(ignored);
      }
    });
    thread_.join();
  }

  http_server(http_server const&) = delete;
  http_server& operator=(http_server const&) = delete;

  /// The port it listens on (127.0.0.1).
  unsigned short port() const noexcept { return port_; }

  /// How many requests it has read so far, answered or not.
  std::size_t requests() const noexcept { return requests_.load(); }

private:
  // One connection: its socket and the timer that plays the latency.
  struct session {
    tcp::socket socket;
    asio::steady_timer timer;
  };

  asio::awaitable<void> accept_loop() {
    while (!stopping_) {
      tcp::socket socket(io_);
      beast::error_code ec;
      co_await acceptor_.async_accept(socket,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        continue; // closed by the destructor, or a client gave up early
      // Each connection is a coroutine of its own, so a slow one never holds
      // up the next accept.
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    if (stopping_)
      co_return; // accepted just before the destructor's stop ran
    session s{std::move(socket), asio::steady_timer(io_)};
    sessions_.insert(&s);
    try {
      beast::flat_buffer buffer;
      http::request<http::empty_body> request;
      co_await http::async_read(s.socket, buffer, request, asio::use_awaitable);
      ++requests_;

      std::string const target(request.target().data(), request.target().size());
      auto const found = routes_.find(target);
      route const what = found != routes_.end()
                             ? found->second
                             : route{.status = 404, .body = "no such file: " + target};

      // The latency: a timer, so this thread serves others while it runs.
      s.timer.expires_after(what.latency);
      co_await s.timer.async_wait(asio::use_awaitable);

      if (what.reset) {
        // SO_LINGER with a zero timeout makes close() send a TCP RST instead
        // of the orderly FIN: the client's read fails with ECONNRESET.
        s.socket.set_option(tcp::socket::linger(true, 0));
        s.socket.close();
      } else {
        http::response<http::string_body> response{static_cast<http::status>(what.status),
                                                   request.version()};
        response.set(http::field::server, "concurrent-futures demo");
        response.set(http::field::content_type, "text/plain");
        response.keep_alive(false);
        response.body() = what.body;
        response.prepare_payload();
        co_await http::async_write(s.socket, response, asio::use_awaitable);
        s.socket.shutdown(tcp::socket::shutdown_send);
      }
    } catch (boost::system::system_error const&) {
      // A client that hangs up early (a timeout, a stop) or the destructor
      // closing the socket: nothing to answer any more.
    }
    sessions_.erase(&s);
  }

  route_table const routes_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  unsigned short const port_;
  // The live connections, so the destructor can wake them (server thread only).
  std::set<session*> sessions_;
  bool stopping_ = false; // server thread only
  std::atomic<std::size_t> requests_{0};
  std::thread thread_;
};

/// An HTTP answer: the status and the body.
struct http_response {
  unsigned status = 0;
  std::string body{};
};

/// "404 Not Found": the status with its reason phrase.
inline std::string status_text(unsigned status) {
  auto const reason = http::obsolete_reason(static_cast<http::status>(status));
  return std::to_string(status) + " " + std::string(reason.data(), reason.size());
}

namespace detail {

inline asio::awaitable<http_response> get(beast::tcp_stream& stream, tcp::endpoint to,
                                          std::string target, std::stop_token stop) {
  // A stop that arrives between two steps finds no operation to cancel, so
  // each step also checks the token before it starts.
  auto check = [&stop] {
    if (stop.stop_requested())
      throw boost::system::system_error(asio::error::operation_aborted);
  };
  check();
  co_await stream.async_connect(to, asio::use_awaitable);
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, to.address().to_string());
  request.set(http::field::user_agent, "concurrent-futures demo");
  request.keep_alive(false);
  check();
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  check();
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return http_response{response.result_int(), std::move(response.body())};
}

} // namespace detail

/// Blocking `GET target` from `host:port`, with a deadline and a stop token.
/**
 * @param host A numeric address ("127.0.0.1").
 * @param timeout The deadline of the whole exchange: connect, send, receive.
 * @param stop A stop request aborts the exchange at once (how a demo stops a
 * request that a pool can no longer cancel because it is running).
 * @returns The status and the body, whatever the status: a 404 or a 503 is
 * an answer, the caller decides what it means.
 * @throws std::runtime_error "GET /file07: Connection reset by peer" (also
 * refused, timed out, stopped) when no answer came.
 */
inline http_response http_get(std::string_view host, unsigned short port,
                              std::string_view target, std::chrono::milliseconds timeout,
                              std::stop_token stop = {}) {
  // Beast's deadlines apply to asynchronous operations only, so the blocking
  // call runs the asynchronous exchange on an io_context of its own, in the
  // calling thread, until it completes.
  asio::io_context io{1};
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  tcp::endpoint const to(asio::ip::make_address(std::string(host)), port);

  std::exception_ptr error;
  http_response response;
  asio::co_spawn(io, detail::get(stream, to, std::string(target), stop),
                 [&](std::exception_ptr e, http_response r) {
                   error = e;
                   response = std::move(r);
                 });
  // A stop request comes from another thread: the cancellation is posted to
  // `io`, where the exchange runs.
  std::stop_callback const on_stop(stop,
                                   [&] { asio::post(io, [&] { stream.cancel(); }); });
  io.run();
  if (!error)
    return response;

  std::string why;
  try {
    std::rethrow_exception(error);
  } catch (boost::system::system_error const& e) {
    if (stop.stop_requested())
      why = "stopped";
    else if (e.code() == beast::error::timeout)
      why = "no answer within " + std::to_string(timeout.count()) + " ms";
    else
      why = e.code().message();
  }
  throw std::runtime_error("GET " + std::string(target) + ": " + why);
}

} // namespace demo

#endif
