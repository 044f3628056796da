// Runs before every test file. The shared setup (jest-dom matchers, browser API stubs)
// lives in .config/jest-setup.js; add project-specific setup below the import.
import './.config/jest-setup';
