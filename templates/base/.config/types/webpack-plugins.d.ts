// Minimal typings for build plugins that ship without their own.

declare module 'webpack-livereload-plugin' {
  import type { Compiler } from 'webpack';

  interface LiveReloadOptions {
    /** Port of the livereload server (default 35729). */
    port?: number;
    hostname?: string;
    protocol?: string;
    appendScriptTag?: boolean;
    ignore?: RegExp | RegExp[] | null;
    delay?: number;
    useSourceHash?: boolean;
  }

  class LiveReloadPlugin {
    constructor(options?: LiveReloadOptions);
    apply(compiler: Compiler): void;
  }

  export = LiveReloadPlugin;
}

declare module 'replace-in-file-webpack-plugin' {
  import type { Compiler } from 'webpack';

  interface ReplaceRule {
    search: string | RegExp;
    replace: string | ((match: string) => string);
  }

  class ReplaceInFileWebpackPlugin {
    constructor(options?: Array<{ dir?: string; files?: string[]; test?: RegExp | RegExp[]; rules: ReplaceRule[] }>);
    apply(compiler: Compiler): void;
  }

  export = ReplaceInFileWebpackPlugin;
}
