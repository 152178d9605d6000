// The baseline of bench/mock_vs_bare.sh: a bare cpp-httplib server that answers every
// POST /ListParticipantEvents with one fixed page, built once at start from the mock's default
// dataset (the same items and a token of the same length, so both servers send the same bytes).
// Same transport settings as `lpe mock`: TCP_NODELAY, keep-alive, the same worker count.
//   lpe-bare-server [--port N] [--threads N]     prints `listening http://127.0.0.1:PORT`
#include <pthread.h>
#include <signal.h>

#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "mock/mock.h"

int main(int argc, char** argv) {
  int port = 0;
  int threads = lpe::mock::default_thread_count();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
  }
  const auto model = lpe::spec::Model::bundled();
  const auto op = model->operation().value();
  auto built = lpe::mock::Dataset::synthetic(op);
  if (!built.ok()) return 2;
  const auto& dataset = *built;
  // The list bench/mock_request.lua asks for, first page of the default size.
  const lpe::mock::ListScope* list = nullptr;
  const auto scopes = dataset.scopes();
  for (const auto& s : scopes) {
    if (s.item_count == 250) list = &s;
  }
  if (list == nullptr) return 2;
  std::vector<std::string_view> views(list->values.begin(), list->values.end());
  const auto* items = dataset.serialized_items(views);
  const size_t page = static_cast<size_t>(op.default_page_size().value_or(50));
  std::string body = "{\"" + op.operation->paginated->items + "\":[";
  for (size_t i = 0; i < page && i < items->size(); ++i) {
    if (i != 0) body += ',';
    body += (*items)[i];
  }
  body += "],\"" + op.operation->paginated->output_token + "\":\"" + std::string(87, 'A') + "\"}";

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  httplib::Server server;
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000);
  server.set_keep_alive_timeout(5);
  server.Post(op.operation->http->uri, [&body](const httplib::Request&, httplib::Response& res) {
    res.set_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000");
    res.set_content(body, "application/json");
  });
  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "lpe-bare-server: cannot listen on 127.0.0.1:%d\n", port);
    return 2;
  }
  std::thread serving([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::printf("listening http://127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  int received = 0;
  sigwait(&stop_signals, &received);
  server.stop();
  serving.join();
  return 0;
}
