/** Version of `@aiobs/sdk`, reported as the instrumentation scope version. Keep in step with package.json. */
export const SDK_VERSION = '0.1.0';
