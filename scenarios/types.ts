/** What every scenario module says about itself; the batch and streaming kinds extend it. */
export interface ScenarioInfo {
  name: string;
  kind: 'batch' | 'streaming';
  /** One line, shown by `chaos scenarios`. */
  description: string;
}
