/**
 * The MIME type of a chart's Plotly JSON: the one copy of its data in a notebook output.
 * JupyterLab and Notebook 7 (downhill's labextension), classic Notebook 6 (its
 * nbextension) and VS Code draw it; viewers that know it not show the output's PNG.
 */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
