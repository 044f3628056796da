/*
 * Shared test setup, managed by create-grafana-plugin. Runs before every test file.
 * Do not edit: add your own setup to the project's root jest-setup.js (see .config/README.md).
 */
import '@testing-library/jest-dom';
import { TextDecoder, TextEncoder } from 'util';

// jsdom lacks several browser APIs that Grafana's packages touch when they are imported or rendered.
Object.assign(global, { TextDecoder, TextEncoder });

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: jest.fn(),
    removeListener: jest.fn(),
    addEventListener: jest.fn(),
    removeEventListener: jest.fn(),
    dispatchEvent: jest.fn(),
  }),
});

if (typeof window.ResizeObserver === 'undefined') {
  window.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// jsdom has no canvas. Grafana measures text with a 2D context (e.g. to size Combobox menus),
// so hand out a stand-in: measureText estimates widths, drawing calls do nothing.
// WebGL and other context types stay unavailable (null), as on a browser without support.
function fakeContext2d(canvas) {
  const state = {
    canvas,
    font: '10px sans-serif',
    fillStyle: '#000000',
    strokeStyle: '#000000',
    lineWidth: 1,
    globalAlpha: 1,
    textAlign: 'start',
    textBaseline: 'alphabetic',
    measureText: (text) => ({
      width: String(text).length * 7,
      actualBoundingBoxAscent: 8,
      actualBoundingBoxDescent: 2,
      actualBoundingBoxLeft: 0,
      actualBoundingBoxRight: String(text).length * 7,
    }),
    getImageData: (_x, _y, width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) }),
    createLinearGradient: () => ({ addColorStop() {} }),
    createRadialGradient: () => ({ addColorStop() {} }),
    createPattern: () => null,
    getLineDash: () => [],
    isPointInPath: () => false,
  };
  const doNothing = () => undefined;
  return new Proxy(state, {
    get: (target, property) => (property in target ? target[property] : doNothing),
  });
}

HTMLCanvasElement.prototype.getContext = function (type) {
  return type === '2d' ? fakeContext2d(this) : null;
};
