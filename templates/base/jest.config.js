// Run every test in UTC so dates and snapshots do not depend on the machine's time zone.
process.env.TZ = 'UTC';

// The shared Jest settings live in .config/jest.config.js; override or extend them here.
module.exports = {
  ...require('./.config/jest.config'),
};
