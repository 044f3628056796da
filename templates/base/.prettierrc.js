// Prettier settings for this plugin.
// The shared defaults live in .config/.prettierrc.js; add or override options below them.
module.exports = {
  ...require('./.config/.prettierrc.js'),
};
