import text from "./classifier.json" with { type: "text" };

/**
 * The classifier's weights in a Lambda bundle (the `treatywatch-bundle` condition): esbuild ships
 * classifier.json as one string, which V8 parses as JSON, rather than as the object literal it
 * would compile it into. The fetch bundle grows by the file's whitespace (219 KB, 8 KB gzipped);
 * nine cold imports of each, taken in turn, took 158 ms against 164 ms (medians).
 */
const weights: unknown = JSON.parse(text as unknown as string);

export default weights;
