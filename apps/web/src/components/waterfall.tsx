import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { exactCost, formatCost, formatCount, formatDuration, formatDurationTick } from '../lib/format';
import { scrollTopFor } from '../lib/row-scroll';
import { durationTicks } from '../lib/time-ticks';
import { isErrorNode, type TraceModel } from '../lib/trace-model';
import { useWidth } from '../lib/use-width';
import { ChevronDown, ChevronRight } from './icons';
import { KindIcon } from './kind-icon';

const ROW = 26;
/** Deeper than this, rows stop moving right and show their depth instead. */
const MAX_INDENT = 24;
const INDENT_PX = 14;

/**
 * The span tree and its timeline side by side, one row per span (only the rows in view are in
 * the page, so a 100,000-span trace scrolls like a short one).
 */
export function Waterfall({
  model,
  rows,
  selected,
  collapsed,
  matches,
  onSelect,
  onToggle,
  onKeyDown,
  scrollRef,
}: {
  model: TraceModel;
  rows: Int32Array;
  selected: number;
  collapsed: ReadonlySet<number>;
  matches: ReadonlySet<number> | null;
  onSelect: (node: number) => void;
  onToggle: (node: number) => void;
  onKeyDown: (e: React.KeyboardEvent) => void;
  scrollRef: React.RefObject<HTMLDivElement | null>;
}) {
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  const selectedRow = useRef(-1);
  useEffect(() => {
    const index = rows.indexOf(selected);
    const el = scrollRef.current;
    if (el && index >= 0 && index !== selectedRow.current) {
      const to = scrollTopFor(index, ROW, el.scrollTop, el.clientHeight);
      if (to !== el.scrollTop) virtualizer.scrollToOffset(to);
    }
    selectedRow.current = index;
  }, [selected, rows, virtualizer, scrollRef]);
  const span = model.endMs > 0 ? model.endMs : 1;
  return (
    <>
      <div className="tree-header">
        <div>Span</div>
        <div>
          <Ticks totalMs={span} />
        </div>
      </div>
      <div
        className="tree-scroll"
        ref={scrollRef}
        tabIndex={0}
        role="tree"
        aria-label="Spans of the trace"
        aria-activedescendant={selected >= 0 ? `span-row-${selected}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const node = rows[item.index] as number;
            return (
              <Row
                key={node}
                model={model}
                node={node}
                top={item.start}
                totalMs={span}
                selected={node === selected}
                collapsed={collapsed.has(node)}
                match={matches?.has(node) ?? false}
                onSelect={onSelect}
                onToggle={onToggle}
              />
            );
          })}
        </div>
      </div>
    </>
  );
}

const Row = memo(function Row({
  model,
  node,
  top,
  totalMs,
  selected,
  collapsed,
  match,
  onSelect,
  onToggle,
}: {
  model: TraceModel;
  node: number;
  top: number;
  totalMs: number;
  selected: boolean;
  collapsed: boolean;
  match: boolean;
  onSelect: (node: number) => void;
  onToggle: (node: number) => void;
}) {
  const o = model.outline;
  const s = o.spans;
  const depth = model.depth[node] as number;
  const indent = Math.min(depth, MAX_INDENT);
  const hasChildren = (model.size[node] as number) > 1;
  const call = s.call[node] as number;
  const isError = isErrorNode(model, node);
  const start = s.start_ms[node] as number;
  const duration = s.duration_ms[node] as number;
  const left = (start / totalMs) * 100;
  const width = (duration / totalMs) * 100;
  const name = o.strings[s.name[node] as number] ?? '';
  const service = o.strings[s.service[node] as number] ?? '';
  // The service shows where it changes: at the root and where a call crosses into another.
  const parentNode = model.parent[node] as number;
  const showService = parentNode < 0 || s.service[parentNode] !== s.service[node];
  const model_ = call >= 0 ? (o.strings[o.calls.model[call] as number] ?? null) : null;
  const showSum = hasChildren && (model.sumCalls[node] as number) > (call >= 0 && o.calls.counted[call] ? 1 : 0);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the tree takes the keys for its rows (aria-activedescendant).
    // biome-ignore lint/a11y/useFocusableInteractive: the tree is the focus stop, not each row.
    <div
      id={`span-row-${node}`}
      role="treeitem"
      aria-selected={selected}
      aria-expanded={hasChildren ? !collapsed : undefined}
      aria-level={depth + 1}
      className={`tree-row ${selected ? 'selected' : ''} ${isError ? 'error' : ''} ${match ? 'match' : ''}`}
      style={{ position: 'absolute', top, left: 0, right: 0 }}
      onClick={() => onSelect(node)}
    >
      <div className="tree-name" style={{ paddingLeft: 8 + indent * INDENT_PX }}>
        <Guides depth={indent} />
        {hasChildren ? (
          <button
            type="button"
            className="toggle"
            aria-label={collapsed ? 'Expand' : 'Collapse'}
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(node);
            }}
          >
            {collapsed ? <ChevronRight /> : <ChevronDown />}
          </button>
        ) : (
          <span className="toggle" />
        )}
        <KindIcon kind={s.kind[node] as number} isCall={call >= 0} name={name} error={isError} />
        {depth > MAX_INDENT ? <span className="faint">↳{depth}</span> : null}
        <span className="span-name" title={name}>
          {name}
        </span>
        {showService ? (
          <span className="span-service" title={service}>
            <span>{service}</span>
          </span>
        ) : null}
        <span className="row-figures">
          {call >= 0 ? (
            <>
              {/* Tokens and cost first (a cramped row drops its figures from the end, the model's badge before
                  them), each only when the call reported it: a failed call shows no "—→— —". */}
              {o.calls.input_tokens[call] === null && o.calls.output_tokens[call] === null ? null : (
                <span title="input → output tokens">
                  {formatCount(o.calls.input_tokens[call])}→{formatCount(o.calls.output_tokens[call])}
                </span>
              )}
              {o.calls.cost_usd[call] === null ? null : <span>{formatCost(o.calls.cost_usd[call])}</span>}
              {model_ && !name.includes(shortModel(model_)) ? (
                <span className="badge llm" title={model_}>
                  {shortModel(model_)}
                </span>
              ) : null}
              {!o.calls.counted[call] ? (
                <span className="faint" title="The same model call as its parent: its usage is counted there">
                  dup
                </span>
              ) : null}
            </>
          ) : null}
          {showSum ? (
            // Two items, so a cramped row drops them whole (the cost first), never half of one.
            <span
              className="sum"
              title={`Subtree: ${model.sumCalls[node]} LLM calls, ${model.sumInput[node]} input and ${model.sumOutput[node]} output tokens, ${exactCost(model.sumCost[node])}`}
            >
              <span>Σ {formatCount((model.sumInput[node] as number) + (model.sumOutput[node] as number))} tok</span>
              <span>{formatCost(model.sumCost[node])}</span>
            </span>
          ) : null}
          {collapsed ? <span className="faint">+{(model.size[node] as number) - 1}</span> : null}
        </span>
      </div>
      <div className="tree-bar-cell">
        <div
          className={`bar ${isError ? 'error' : call >= 0 ? 'llm' : ''}`}
          style={{ left: `${left}%`, width: `max(2px, ${width}%)` }}
          title={`${formatDuration(duration)} from +${formatDuration(start)}`}
        />
        <span className={`bar-label ${width > 30 ? 'inside' : ''}`} style={labelPlace(left, width)}>
          {formatDuration(duration)}
        </span>
      </div>
    </div>
  );
});

/** Where a bar's duration goes: inside a wide bar, else after it, or before it near the right edge. */
function labelPlace(left: number, width: number): React.CSSProperties {
  if (width > 30) return { left: `calc(${left}% + 6px)` };
  if (left + width > 80) return { right: `${100 - left + 0.5}%` };
  return { left: `calc(${left + width}% + 4px)` };
}

/** A model name without its date suffix (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`). */
function shortModel(name: string): string {
  return name.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
}

function Guides({ depth }: { depth: number }) {
  if (depth === 0) return null;
  return (
    <span className="guides" aria-hidden="true">
      {Array.from({ length: depth }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: one guide per level.
        <i key={i} style={{ left: 15 + i * INDENT_PX }} />
      ))}
    </span>
  );
}

/** Room each time label needs on the axis ("250 ms", "1.5 s"), with a gap to the next. */
const TICK_PX = 64;

function Ticks({ totalMs }: { totalMs: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  // As many labels after 0 as fit the column's width: five when wide, fewer when narrow.
  const most = width === null ? 5 : Math.max(1, Math.min(5, Math.floor(width / TICK_PX) - 1));
  return (
    <div className="ticks" ref={ref}>
      {durationTicks(totalMs, most).map((ms) => {
        const at = ms / totalMs;
        // The first label starts at its tick, one near the end ends at it; the rest are centred.
        const transform = ms === 0 ? 'none' : at > 0.92 ? 'translateX(-100%)' : undefined;
        return (
          <span key={ms} style={{ left: `${at * 100}%`, transform }}>
            {formatDurationTick(ms)}
          </span>
        );
      })}
    </div>
  );
}
