// Makes the @testing-library/jest-dom matchers (toBeInTheDocument, ...) known to the type checker.
import '@testing-library/jest-dom';
