import text from "./classifier.json" with { type: "text" };

/**
 * The classifier in a Lambda bundle (the `treatywatch-bundle` condition): esbuild ships
 * classifier.json as one string, which V8 parses as JSON, rather than as the object literal it
 * would compile it into.
 */
const weights: unknown = JSON.parse(text as unknown as string);

export default weights;
