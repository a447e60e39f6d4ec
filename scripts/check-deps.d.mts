/** Types of scripts/check-deps.mjs, for its test. */

/** All dependency-direction violations under `root`, one readable line each. */
export declare function checkDependencies(root: string): string[];

/** The imports of one file: specifier, 1-based line, and whether it is type-only. */
export declare function importsOf(
  fileName: string,
  text: string,
): { imports: { spec: string; line: number; typeOnly: boolean }[] };
