// Files the docs function embeds as text (`import … with { type: 'text' }`): esbuild inlines them
// into its bundle, which has no node_modules beside it when it runs.
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const text: string;
  export default text;
}
declare module 'swagger-ui-dist/swagger-ui.css' {
  const text: string;
  export default text;
}
