import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { DataSource } from '../datasource';
import { DEFAULT_CONSTANT, MyQuery } from '../types';
import { QueryEditor } from './QueryEditor';

function setup(query: Partial<MyQuery> = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const fullQuery: MyQuery = { refId: 'A', constant: DEFAULT_CONSTANT, ...query };
  render(
    <QueryEditor
      datasource={{} as unknown as DataSource}
      query={fullQuery}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('shows the query text and the constant of the query', () => {
    setup({ constant: 4.2, queryText: 'temperature' });

    expect(screen.getByRole('textbox', { name: 'Query text' })).toHaveValue('temperature');
    expect(screen.getByRole('spinbutton', { name: 'Constant' })).toHaveValue(4.2);
  });

  it('shows the default constant for a query without one', () => {
    setup({ constant: undefined });

    expect(screen.getByRole('spinbutton', { name: 'Constant' })).toHaveValue(DEFAULT_CONSTANT);
  });

  it('updates the query text while typing and runs the query when the field loses focus', () => {
    const { onChange, onRunQuery } = setup();
    const input = screen.getByRole('textbox', { name: 'Query text' });

    fireEvent.change(input, { target: { value: 'humidity' } });
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', constant: DEFAULT_CONSTANT, queryText: 'humidity' });
    expect(onRunQuery).not.toHaveBeenCalled();

    fireEvent.blur(input);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('updates the constant and runs the query at once', () => {
    const { onChange, onRunQuery } = setup();

    fireEvent.change(screen.getByRole('spinbutton', { name: 'Constant' }), { target: { value: '10' } });

    expect(onChange).toHaveBeenCalledWith({ refId: 'A', constant: 10 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('keeps the last constant while the number field is empty', () => {
    const { onChange, onRunQuery } = setup();

    fireEvent.change(screen.getByRole('spinbutton', { name: 'Constant' }), { target: { value: '' } });

    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();
  });
});
