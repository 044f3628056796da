// jsdom has no IntersectionObserver, and @grafana/scenes creates one as soon as it is loaded
// (to render panels lazily). Import this file before @grafana/scenes in a test to provide a stand-in
// that never reports an intersection.
class IntersectionObserverStub {
  readonly root = null;
  readonly rootMargin = '0px';
  readonly thresholds: readonly number[] = [];
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}

if (typeof globalThis.IntersectionObserver === 'undefined') {
  Object.defineProperty(globalThis, 'IntersectionObserver', { writable: true, value: IntersectionObserverStub });
}

export {};
