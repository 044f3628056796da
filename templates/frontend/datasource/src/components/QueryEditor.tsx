import React, { ChangeEvent } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, Input } from '@grafana/ui';
import { DataSource } from '../datasource';
import { DEFAULT_CONSTANT, MyDataSourceOptions, MyQuery } from '../types';

const LABEL_WIDTH = 12;

/**
 * One row per query in a panel's query tab. Typing only edits the query; it runs when the text
 * field loses focus, or at once when the constant changes.
 */
export function QueryEditor({
  query,
  onChange,
  onRunQuery,
}: QueryEditorProps<DataSource, MyQuery, MyDataSourceOptions>) {
  const setText = (event: ChangeEvent<HTMLInputElement>) => onChange({ ...query, queryText: event.target.value });

  const setConstant = (event: ChangeEvent<HTMLInputElement>) => {
    const value = event.target.valueAsNumber;
    // An emptied or half-typed number is not a constant yet: keep the last good one.
    if (Number.isFinite(value)) {
      onChange({ ...query, constant: value });
      onRunQuery();
    }
  };

  return (
    <InlineFieldRow>
      <InlineField
        label="Query text"
        labelWidth={LABEL_WIDTH}
        tooltip="Sent with the query; $variables in it are replaced first."
        htmlFor={`${query.refId}-query-text`}
        grow
      >
        <Input
          id={`${query.refId}-query-text`}
          value={query.queryText ?? ''}
          placeholder="e.g. rain"
          onChange={setText}
          onBlur={onRunQuery}
        />
      </InlineField>
      <InlineField
        label="Constant"
        labelWidth={LABEL_WIDTH}
        tooltip="The value of every point in the answer."
        htmlFor={`${query.refId}-constant`}
      >
        <Input
          id={`${query.refId}-constant`}
          type="number"
          step="any"
          width={12}
          value={query.constant ?? DEFAULT_CONSTANT}
          onChange={setConstant}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
