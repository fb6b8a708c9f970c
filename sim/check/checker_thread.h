// The checkers on a thread of their own: the run's history reaches them in batches through a
// HistoryFeed, into a replica History they observe, so checking a run takes a second core
// instead of lengthening the run. They see the same events, ids and order as observers of the
// run's own History would, so the verdicts are the same.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "sim/check/checker.h"
#include "sim/history/history.h"
#include "sim/history/history_feed.h"

namespace mqttbed::check {

class CheckerThread {
 public:
  explicit CheckerThread(std::vector<std::unique_ptr<Checker>> checkers);
  // Stops the thread, dropping what it has not judged, if finish() was not called (a run that
  // ended in an exception).
  ~CheckerThread();
  CheckerThread(const CheckerThread&) = delete;
  CheckerThread& operator=(const CheckerThread&) = delete;

  // Makes this an observer of `source`, which must outlive finish().
  void attach(history::History& source);
  // Hands over the last events, waits until the checkers have seen them all and returns their
  // verdicts. Rethrows what a checker threw.
  std::vector<Verdict> finish(const CheckContext& context);

  // Events per batch, and batches queued before the run waits for the checkers: bounds the
  // memory a run ahead of its checkers holds (~10 MB).
  static constexpr std::size_t kBatchEvents = 16384;
  static constexpr std::size_t kQueuedBatches = 8;

 private:
  void hand_over();
  void stop(bool drain);
  void work();

  std::vector<std::unique_ptr<Checker>> checkers_;
  history::History replica_;  // touched by the worker only, until it is joined
  std::unique_ptr<history::HistoryFeed> feed_;

  std::mutex mutex_;
  std::condition_variable has_batch_;
  std::condition_variable has_room_;
  std::deque<history::FeedBatch> queue_;
  bool closing_ = false;        // no more batches will come
  bool dropping_ = false;       // abandon what is queued
  std::exception_ptr failure_;  // written by the worker, read after join
  std::thread worker_;
};

}  // namespace mqttbed::check
