/** The lists of the `stopword` package that treatywatch reads (it ships no types). */
declare module "stopword" {
  export const eng: readonly string[];
  export const fra: readonly string[];
  export const deu: readonly string[];
  export const spa: readonly string[];
  export const rus: readonly string[];
  export const ukr: readonly string[];
}
