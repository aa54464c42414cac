import { MetadataConflictError } from '../errors.js';
import type { MetricMetadata } from '../model/metadata.js';
import { ownedString } from '../model/owned-string.js';

/**
 * Family metadata per source (Prometheus keeps metadata per target and family; the Pushgateway checks type
 * consistency across groups at push time, which is what {@link check} does). The exposition writer reads the
 * merged view: the metadata of the first source that declared the family and still does.
 */
export class MetadataRegistry {
  private readonly byFamily = new Map<string, Map<string, MetricMetadata>>();

  /**
   * Throws {@link MetadataConflictError} (`FPB_ERR_METADATA_CONFLICT`) when another source declared `family` with
   * a different type. The same source may change its own declaration.
   */
  check(source: string, family: string, metadata: MetricMetadata): void {
    const declared = this.byFamily.get(family);
    if (declared === undefined) return;
    for (const [other, m] of declared) {
      if (other !== source && m.type !== metadata.type) {
        throw new MetadataConflictError(family, metadata.type, source, m.type, other);
      }
    }
  }

  /**
   * {@link check}, then records the declaration. Sources declaring a family alike (every push group of Flink's
   * reporter does) share one object; a new declaration is kept as an {@link ownedString} copy, so no parsed body
   * stays alive through its HELP text.
   */
  set(source: string, family: string, metadata: MetricMetadata): void {
    this.check(source, family, metadata);
    let declared = this.byFamily.get(family);
    if (declared === undefined) {
      declared = new Map();
      this.byFamily.set(ownedString(family), declared);
    }
    const current = declared.get(source);
    if (current !== undefined && sameMetadata(current, metadata)) return;
    let kept: MetricMetadata | undefined;
    for (const m of declared.values()) {
      if (sameMetadata(m, metadata)) {
        kept = m;
        break;
      }
    }
    declared.set(source, kept ?? ownedMetadata(metadata));
  }

  /** The merged view of a family, or undefined. */
  get(family: string): MetricMetadata | undefined {
    const declared = this.byFamily.get(family);
    if (declared === undefined) return undefined;
    for (const m of declared.values()) return m;
    return undefined;
  }

  /** Forgets every declaration of `source`. O(families). */
  dropSource(source: string): void {
    for (const [family, declared] of this.byFamily) {
      if (declared.delete(source) && declared.size === 0) this.byFamily.delete(family);
    }
  }
}

function sameMetadata(a: MetricMetadata, b: MetricMetadata): boolean {
  return a.type === b.type && a.help === b.help && a.unit === b.unit;
}

function ownedMetadata(m: MetricMetadata): MetricMetadata {
  return m.unit === undefined ? { type: m.type, help: ownedString(m.help) } : { type: m.type, help: ownedString(m.help), unit: ownedString(m.unit) };
}
