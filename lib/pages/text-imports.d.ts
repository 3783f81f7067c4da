// What the account pages' function embeds as text (esbuild.config.cjs): the pages' script, bundled
// for browsers from its TypeScript, and their stylesheet.
declare module 'browser-bundle:*' {
  const text: string;
  export default text;
}
declare module '*.css' {
  const text: string;
  export default text;
}
