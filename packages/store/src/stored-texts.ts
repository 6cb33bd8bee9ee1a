/** An item's title and summary as stored: what an entry fetched again is compared with. */
export interface ItemText {
  title: string;
  summary: string;
}

/**
 * The fetch stage's question before it reads a feed's text: which of the feed's items are
 * stored already, by id (the key the store gives an item), in one batched read, each with its
 * text. Those are not classified again; only an edited title or summary is written onto them.
 */
export interface StoredItemTexts {
  /** The stored items among `ids`, by id; ids never stored are absent. */
  storedItemTexts(ids: readonly string[]): Promise<Map<string, ItemText>>;
}
