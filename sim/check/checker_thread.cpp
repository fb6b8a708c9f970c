#include "sim/check/checker_thread.h"

#include "sim/check/checks.h"

namespace mqttbed::check {

CheckerThread::CheckerThread(std::vector<std::unique_ptr<Checker>> checkers)
    : checkers_(std::move(checkers)) {
  check::attach(replica_, checkers_);
  worker_ = std::thread([this] { work(); });
}

CheckerThread::~CheckerThread() { stop(/*drain=*/false); }

void CheckerThread::attach(history::History& source) {
  feed_ = std::make_unique<history::HistoryFeed>(source);
  source.add_observer([this](const history::Event& event) {
    feed_->add(event);
    if (feed_->pending() >= kBatchEvents) hand_over();
  });
}

void CheckerThread::hand_over() {
  history::FeedBatch batch = feed_->take();
  std::unique_lock lock(mutex_);
  has_room_.wait(lock, [this] { return queue_.size() < kQueuedBatches; });
  queue_.push_back(std::move(batch));
  has_batch_.notify_one();
}

void CheckerThread::stop(bool drain) {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    if (!drain) {
      dropping_ = true;
      queue_.clear();
    }
  }
  has_batch_.notify_one();
  worker_.join();
}

std::vector<Verdict> CheckerThread::finish(const CheckContext& context) {
  if (feed_) hand_over();
  stop(/*drain=*/true);
  if (failure_) std::rethrow_exception(failure_);
  return finish_all(checkers_, context);
}

void CheckerThread::work() {
  for (;;) {
    history::FeedBatch batch;
    {
      std::unique_lock lock(mutex_);
      has_batch_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty() || dropping_) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    has_room_.notify_one();
    // After a checker throws, keep taking batches so the run is never blocked on a full queue.
    if (failure_) continue;
    try {
      history::replay(std::move(batch), replica_);
    } catch (...) {
      failure_ = std::current_exception();
    }
  }
}

}  // namespace mqttbed::check
