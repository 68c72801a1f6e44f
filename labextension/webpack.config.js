// Merged by build-labextension into its webpack config. plotly.js-dist-min is already minified
// and self-contained: webpack neither parses nor minifies it again (minifying 4.6 MB takes
// minutes on two cores); the renderer's own code is a few kilobytes.
module.exports = {
  module: { noParse: /plotly\.js-dist-min/ },
  optimization: { minimize: false },
};
